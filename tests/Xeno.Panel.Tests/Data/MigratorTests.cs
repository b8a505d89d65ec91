using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Data;

public sealed class MigratorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xpm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AFreshDatabaseGetsEveryTableAndItsVersion()
    {
        var db = new PanelDatabase(Path.Combine(_dir, "sub/dir/panel.db"));
        Assert.Equal(Migrations.All.Max(m => m.Version), db.Migrate());
        using var c = db.Open();
        var tables = Db.Query(c, "SELECT name FROM sqlite_master WHERE type = 'table'", r => r.GetString(0));
        foreach (var t in new[] { "hosts", "users", "sessions", "quotas", "vms", "vm_administrators", "audit", "schema_version" })
            Assert.Contains(t, tables);
    }

    [Fact]
    public void MigratingTwiceChangesNothing()
    {
        var db = new PanelDatabase(Path.Combine(_dir, "panel.db"));
        db.Migrate();
        new Users(db).Add("ann", "h", Role.Owner);
        Assert.Equal(Migrations.All.Max(m => m.Version), db.Migrate());
        Assert.NotNull(new Users(db).Find("ann"));
        using var c = db.Open();
        Assert.Equal(Migrations.All.Count, Convert.ToInt32(Db.Scalar(c, null, "SELECT COUNT(*) FROM schema_version")));
    }

    [Fact]
    public void AFailingStepLeavesTheVersionBeforeIt()
    {
        var db = new PanelDatabase(Path.Combine(_dir, "panel.db"));
        using var c = db.Open();
        SchemaMigration[] steps =
        [
            new(1, "one", _ => "CREATE TABLE a (x INTEGER)"),
            new(2, "broken", _ => "CREATE TABLE b (x INTEGER); THIS IS NOT SQL"),
        ];
        Assert.ThrowsAny<Exception>(() => Migrator.Migrate(c, SqlDialect.Sqlite, steps));
        Assert.Equal(1, Convert.ToInt32(Db.Scalar(c, null, "SELECT MAX(version) FROM schema_version")));
        Assert.Equal(0L, Db.Scalar(c, null, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'"));
        // Fixed, the next run applies it.
        steps[1] = new(2, "fixed", _ => "CREATE TABLE b (x INTEGER)");
        Assert.Equal(2, Migrator.Migrate(c, SqlDialect.Sqlite, steps));
    }

    [Fact]
    public void ADatabaseNewerThanThePanelIsRefused()
    {
        var db = new PanelDatabase(Path.Combine(_dir, "panel.db"));
        using var c = db.Open();
        Migrator.Migrate(c, SqlDialect.Sqlite, [new(1, "one", _ => "CREATE TABLE a (x INTEGER)"), new(2, "two", _ => "CREATE TABLE b (x INTEGER)")]);
        var e = Assert.Throws<InvalidOperationException>(() => Migrator.Migrate(c, SqlDialect.Sqlite, [new(1, "one", _ => "CREATE TABLE a (x INTEGER)")]));
        Assert.Contains("schema version 2", e.Message);
    }
}
