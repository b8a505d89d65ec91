using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Data;

/// <summary>The stores on SQLite (<see cref="SqliteStoreTests"/>) and on a real PostgreSQL server (<see cref="PostgreSqlStoreTests"/>).</summary>
public abstract class StoreTests : MigratedDatabaseTests
{
    protected StoreTests(TestDatabase t) : base(t)
    {
    }

    [Fact]
    public void ATakenUserNameIsRefused()
    {
        var users = new Users(Db);
        Assert.NotNull(users.Add("ann", "h", Role.Owner));
        Assert.Null(users.Add("ann", "h2", Role.Admin));
        Assert.Equal(Role.Owner, users.Find("ann")!.Role);
    }

    [Fact]
    public void OwnersSeeTheirOwnAndAdministeredVmsAdminsSeeAll()
    {
        var users = new Users(Db);
        var ann = users.Add("ann", "h", Role.Owner)!;
        var bob = users.Add("bob", "h", Role.Owner)!;
        var root = users.Add("root", "h", Role.Admin)!;
        var host = new Hosts(Db).EnsureLocal("/run/xeno/xenod.sock");
        var vms = new VmRecords(Db);
        var a = vms.Add("a", ann.Id, host.Id, VmType.Pv, 128, 1, 1, "/d/a.img", "k")!;
        var b = vms.Add("b", bob.Id, host.Id, VmType.Hvm, 256, 2, 3, "/d/b.img", null)!;
        Assert.Null(vms.Add("a", bob.Id, host.Id, VmType.Pv, 128, 1, 1, "/d/a2.img", null));
        Assert.Equal(["a"], vms.VisibleTo(ann).Select(v => v.Name));
        Assert.Equal(["a", "b"], vms.VisibleTo(root).Select(v => v.Name));
        vms.AddAdministrator(b.Id, ann.Id);
        Assert.Equal(["a", "b"], vms.VisibleTo(ann).Select(v => v.Name));
        Assert.Equal(new Usage(1, 256, 2, 3), vms.UsageOf(bob.Id));
        Assert.Equal(VmType.Hvm, vms.Get(b.Id)!.Type);
        Assert.Equal("k", vms.Get(a.Id)!.Kernel);
    }

    [Fact]
    public void ARevokedSessionIsNotLive()
    {
        var ann = new Users(Db).Add("ann", "h", Role.Owner)!;
        var sessions = new Sessions(Db);
        var s = sessions.Start(ann.Id);
        Assert.True(sessions.IsLive(s, ann.Id));
        Assert.False(sessions.IsLive(s, ann.Id + 1));
        sessions.Revoke(s);
        Assert.False(sessions.IsLive(s, ann.Id));
    }

    [Fact]
    public void QuotasFallBackToTheDefault()
    {
        var ann = new Users(Db).Add("ann", "h", Role.Owner)!;
        var quotas = new Quotas(Db);
        var fallback = new Quota(1, 2, 3, 4);
        Assert.Equal(fallback, quotas.For(ann.Id, fallback));
        quotas.Set(ann.Id, new Quota(5, 6, 7, 8));
        Assert.Equal(new Quota(5, 6, 7, 8), quotas.For(ann.Id, fallback));
    }

    [Fact]
    public void AuditEntriesAreReadNewestFirstAndFiltered()
    {
        var audit = new AuditLog(Db);
        audit.Write("ann", "login", null, "10.0.0.1", "ok");
        audit.Write("bob", "vm.start", "web", "10.0.0.2", "failed", "no such kernel");
        audit.Write("ann", "vm.start", "db", "10.0.0.1", "ok");
        Assert.Equal(["db", "web", null], audit.Read().Select(e => e.Target));
        Assert.Equal(["db", null], audit.Read(user: "ann").Select(e => e.Target));
        Assert.Equal(["web"], audit.Read(user: "bob", action: "vm.start").Select(e => e.Target));
        Assert.Equal("no such kernel", audit.Read(user: "bob").Single().Detail);
    }

    [Fact]
    public void UsersAreListedAndTheirPasswordHashesChange()
    {
        var users = new Users(Db);
        var bob = users.Add("bob", "h1", Role.Owner)!;
        users.Add("amy", "h", Role.Admin);
        Assert.Equal(["amy", "bob"], users.All().Select(u => u.Name));
        Assert.True(users.AnyAdmin());
        users.SetPasswordHash(bob.Id, "h2");
        Assert.Equal("h2", users.Get(bob.Id)!.PasswordHash);
        Assert.Null(users.Get(bob.Id + 1000));
    }

    [Fact]
    public void TheLocalHostIsOneRowKeptInStepWithItsSocket()
    {
        var hosts = new Hosts(Db);
        var first = hosts.EnsureLocal("/a.sock");
        var again = hosts.EnsureLocal("/b.sock");
        Assert.Equal(first.Id, again.Id);
        Assert.Equal("/b.sock", Assert.Single(hosts.All()).XenodSocket);
    }

    [Fact]
    public void AnOwnerWithoutVmsUsesNothing()
    {
        var ann = new Users(Db).Add("ann", "h", Role.Owner)!;
        var vms = new VmRecords(Db);
        Assert.Equal(new Usage(0, 0, 0, 0), vms.UsageOf(ann.Id));
        Assert.Equal(0, vms.Count());
        Assert.False(vms.IsAdministrator(1, ann.Id));
    }

    [Fact]
    public void AuditTextKeepsEveryCharacter()
    {
        var audit = new AuditLog(Db);
        const string odd = "quote ' \" back \\ line \n 漢字 ; DROP TABLE audit; --";
        audit.Write(odd, "vm.start", odd, "::1", "ok", odd);
        var e = Assert.Single(audit.Read(user: odd));
        Assert.Equal((odd, odd, odd), (e.User, e.Target, e.Detail));
        Assert.Single(audit.Read(limit: 1));
    }
}

public sealed class SqliteStoreTests() : StoreTests(TestDatabase.Sqlite());

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStoreTests(PostgresServer server) : StoreTests(server.NewDatabase());
