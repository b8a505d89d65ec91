using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Data;

public sealed class StoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xps-").FullName;
    private readonly PanelDatabase _db;

    public StoreTests()
    {
        _db = new PanelDatabase(Path.Combine(_dir, "panel.db"));
        _db.Migrate();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ATakenUserNameIsRefused()
    {
        var users = new Users(_db);
        Assert.NotNull(users.Add("ann", "h", Role.Owner));
        Assert.Null(users.Add("ann", "h2", Role.Admin));
        Assert.Equal(Role.Owner, users.Find("ann")!.Role);
    }

    [Fact]
    public void OwnersSeeTheirOwnAndAdministeredVmsAdminsSeeAll()
    {
        var users = new Users(_db);
        var ann = users.Add("ann", "h", Role.Owner)!;
        var bob = users.Add("bob", "h", Role.Owner)!;
        var root = users.Add("root", "h", Role.Admin)!;
        var host = new Hosts(_db).EnsureLocal("/run/xeno/xenod.sock");
        var vms = new VmRecords(_db);
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
        var ann = new Users(_db).Add("ann", "h", Role.Owner)!;
        var sessions = new Sessions(_db);
        var s = sessions.Start(ann.Id);
        Assert.True(sessions.IsLive(s, ann.Id));
        Assert.False(sessions.IsLive(s, ann.Id + 1));
        sessions.Revoke(s);
        Assert.False(sessions.IsLive(s, ann.Id));
    }

    [Fact]
    public void QuotasFallBackToTheDefault()
    {
        var ann = new Users(_db).Add("ann", "h", Role.Owner)!;
        var quotas = new Quotas(_db);
        var fallback = new Quota(1, 2, 3, 4);
        Assert.Equal(fallback, quotas.For(ann.Id, fallback));
        quotas.Set(ann.Id, new Quota(5, 6, 7, 8));
        Assert.Equal(new Quota(5, 6, 7, 8), quotas.For(ann.Id, fallback));
    }

    [Fact]
    public void AuditEntriesAreReadNewestFirstAndFiltered()
    {
        var audit = new AuditLog(_db);
        audit.Write("ann", "login", null, "10.0.0.1", "ok");
        audit.Write("bob", "vm.start", "web", "10.0.0.2", "failed", "no such kernel");
        audit.Write("ann", "vm.start", "db", "10.0.0.1", "ok");
        Assert.Equal(["db", "web", null], audit.Read().Select(e => e.Target));
        Assert.Equal(["db", null], audit.Read(user: "ann").Select(e => e.Target));
        Assert.Equal(["web"], audit.Read(user: "bob", action: "vm.start").Select(e => e.Target));
        Assert.Equal("no such kernel", audit.Read(user: "bob").Single().Detail);
    }
}
