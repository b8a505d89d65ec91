using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Data;

/// <summary>
/// The running autoinstalls (vm_installs, step 21) on SQLite and on a real PostgreSQL server: what
/// a restarted panel reads back to follow them again, and rows that go with their VM.
/// </summary>
public abstract class VmInstallStoreTests : MigratedDatabaseTests
{
    protected VmInstallStoreTests(TestDatabase t) : base(t)
    {
    }

    [Fact]
    public void ARunningInstallIsReadBackAsWrittenUntilItEndsOrItsVmGoes()
    {
        var ann = new Users(Db).Add("ann", "h", Role.Owner)!;
        var host = new Hosts(Db).EnsureLocal("/run/xeno/xenod.sock");
        var vms = new VmRecords(Db);
        var web = vms.Add("web", ann.Id, host.Id, VmType.Pv, 128, 1, 2, "/d/web.img", null)!;
        var db = vms.Add("db", ann.Id, host.Id, VmType.Hvm, 128, 1, 2, "/d/db.img", null)!;
        var installs = new VmInstallRecords(Db);
        Assert.Empty(installs.All());
        Assert.False(installs.IsRunning(web.Id));

        var t = new DateTimeOffset(2026, 12, 6, 20, 1, 2, 345, TimeSpan.Zero);
        installs.Begin(db.Id, "install-2", ann.Id, null, t.AddSeconds(1));
        installs.Begin(web.Id, "install-1 'quoted'", ann.Id, "2001:db8::7", t);
        Assert.True(installs.IsRunning(web.Id) && installs.IsRunning(db.Id));
        Assert.Equal(
            [new VmInstallRecord(web.Id, "install-1 'quoted'", ann.Id, "2001:db8::7", t), new VmInstallRecord(db.Id, "install-2", ann.Id, null, t.AddSeconds(1))],
            installs.All());

        installs.End(web.Id);
        Assert.False(installs.IsRunning(web.Id));
        installs.End(web.Id); // twice: nothing to end, no error
        // Removing the VM (a failed install, a delete) takes its install row with it.
        vms.Remove(db.Id);
        Assert.False(installs.IsRunning(db.Id));
        Assert.Empty(installs.All());
    }
}

public sealed class SqliteVmInstallStoreTests() : VmInstallStoreTests(TestDatabase.Sqlite());

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlVmInstallStoreTests(PostgresServer server) : VmInstallStoreTests(server.NewDatabase());
