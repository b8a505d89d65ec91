using Xeno.Panel.Data;
using Xeno.Panel.Ssh;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Data;

/// <summary>The admin pages' stores (disabled accounts, roles, sessions, quotas, groups, group administrators) on SQLite and on a real PostgreSQL server.</summary>
public abstract class AdminStoreTests : MigratedDatabaseTests
{
    protected AdminStoreTests(TestDatabase t) : base(t)
    {
    }

    [Fact]
    public void DisablingRolesSessionsAndQuotasAreKept()
    {
        var users = new Users(Db);
        var ann = users.Add("ann", "h", Role.Owner)!;
        var root = users.Add("root", "h", Role.Admin)!;
        Assert.False(ann.Disabled);
        Assert.Equal(1, users.EnabledAdmins());
        users.SetDisabled(root.Id, true);
        Assert.True(users.Get(root.Id)!.Disabled);
        Assert.Equal(0, users.EnabledAdmins());
        users.SetRole(ann.Id, Role.Admin);
        Assert.Equal(1, users.EnabledAdmins());

        var sessions = new Sessions(Db);
        var s1 = sessions.Start(ann.Id);
        var s2 = sessions.Start(ann.Id);
        var other = sessions.Start(root.Id);
        Assert.Equal(2, sessions.RevokeAll(ann.Id));
        Assert.False(sessions.IsLive(s1, ann.Id) || sessions.IsLive(s2, ann.Id));
        Assert.True(sessions.IsLive(other, root.Id));
        Assert.Equal(0, sessions.RevokeAll(ann.Id));

        var quotas = new Quotas(Db);
        var fallback = new Quota(4, 2048, 4, 40);
        Assert.Null(quotas.Own(ann.Id));
        quotas.Set(ann.Id, new Quota(0, 1, 2, 3));
        Assert.Equal(new Quota(0, 1, 2, 3), quotas.For(ann.Id, fallback));
        quotas.Clear(ann.Id);
        Assert.Equal(fallback, quotas.For(ann.Id, fallback));
    }

    [Fact]
    public void AGroupAdministersAVmForItsMembersOnly()
    {
        var users = new Users(Db);
        var ann = users.Add("ann", "h", Role.Owner)!;
        var bob = users.Add("bob", "h", Role.Owner)!;
        var cid = users.Add("cid", "h", Role.Owner)!;
        var host = new Hosts(Db).EnsureLocal("/run/xeno/xenod.sock");
        var vms = new VmRecords(Db);
        var vm = vms.Add("annvm", ann.Id, host.Id, VmType.Pv, 128, 1, 1, "/d/a.img", null)!;
        var groups = new Groups(Db);
        var ops = groups.Add("ops")!;
        Assert.Null(groups.Add("ops"));
        Assert.True(groups.AddMember(ops.Id, bob.Id));
        Assert.False(groups.AddMember(ops.Id, bob.Id));
        Assert.Equal(["bob"], groups.Find("ops")!.Members);
        Assert.Empty(vms.VisibleTo(bob));
        Assert.True(groups.AddGroupAdministrator(vm.Id, ops.Id));
        Assert.False(groups.AddGroupAdministrator(vm.Id, ops.Id));
        Assert.Equal(["annvm"], vms.VisibleTo(bob).Select(v => v.Name));
        Assert.True(vms.IsAdministrator(vm.Id, bob.Id));
        Assert.False(vms.IsAdministrator(vm.Id, cid.Id));
        Assert.Empty(vms.VisibleTo(cid));
        Assert.True(groups.AddUserAdministrator(vm.Id, cid.Id));
        var listed = Assert.Single(groups.AdministratorsOfEveryVm(vms));
        Assert.Equal(["cid"], listed.Users);
        Assert.Equal(["ops"], listed.Groups);
        // A disabled member sees nothing.
        users.SetDisabled(bob.Id, true);
        Assert.Empty(vms.VisibleTo(users.Get(bob.Id)!));
        users.SetDisabled(bob.Id, false);
        Assert.True(groups.RemoveMember(ops.Id, bob.Id));
        Assert.False(groups.RemoveMember(ops.Id, bob.Id));
        Assert.Empty(vms.VisibleTo(bob));
        groups.AddMember(ops.Id, bob.Id);
        groups.Remove(ops.Id);
        Assert.Empty(groups.All());
        Assert.Empty(vms.VisibleTo(bob));
        Assert.True(groups.RemoveUserAdministrator(vm.Id, cid.Id));
        Assert.Empty(vms.VisibleTo(cid));
    }

    [Fact]
    public void ADisabledUsersKeyIsNotOfferedToSshd()
    {
        var users = new Users(Db);
        var ann = users.Add("ann", "h", Role.Owner)!;
        var keys = new SshKeys(Db);
        var dir = Directory.CreateTempSubdirectory("xpk-").FullName;
        try
        {
            var key = SshPublicKey.Parse(Xeno.Panel.Tests.Ssh.TestKeys.Make(dir).PublicLine).Key!;
            keys.Add(ann.Id, key);
            Assert.NotNull(keys.FindForLogin(key));
            users.SetDisabled(ann.Id, true);
            Assert.Null(keys.FindForLogin(key));
            Assert.NotNull(keys.Find(key));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class SqliteAdminStoreTests() : AdminStoreTests(TestDatabase.Sqlite());

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlAdminStoreTests(PostgresServer server) : AdminStoreTests(server.NewDatabase());
