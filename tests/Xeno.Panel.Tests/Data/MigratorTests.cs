using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Data;

/// <summary>The versioned migrator on SQLite and on a real PostgreSQL server.</summary>
public abstract class MigratorTests(TestDatabase t) : IDisposable
{
    private static readonly string[] PanelTables = ["hosts", "users", "sessions", "quotas", "vms", "vm_administrators", "audit", "schema_version"];

    protected TestDatabase T { get; } = t;

    public void Dispose() => T.Dispose();

    [Fact]
    public void AFreshDatabaseGetsEveryTableAndItsVersion()
    {
        Assert.Equal(Migrations.All.Max(m => m.Version), T.Db.Migrate());
        var tables = T.Tables();
        foreach (var table in PanelTables)
            Assert.Contains(table, tables);
    }

    [Fact]
    public void MigratingTwiceChangesNothing()
    {
        T.Db.Migrate();
        new Users(T.Db).Add("ann", "h", Role.Owner);
        Assert.Equal(Migrations.All.Max(m => m.Version), T.Db.Migrate());
        Assert.NotNull(new Users(T.Db).Find("ann"));
        using var c = T.Db.Open();
        Assert.Equal(Migrations.All.Count, Convert.ToInt32(Db.Scalar(c, null, "SELECT COUNT(*) FROM schema_version")));
    }

    [Fact]
    public async Task PanelsMigratingAtOnceApplyEachStepOnce()
    {
        // Two panels starting together on one database: the migration lock serialises them.
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => T.Db.Migrate())));
        Assert.All(runs, v => Assert.Equal(Migrations.All.Max(m => m.Version), v));
        using var c = T.Db.Open();
        Assert.Equal(Migrations.All.Count, Convert.ToInt32(Db.Scalar(c, null, "SELECT COUNT(*) FROM schema_version")));
    }

    [Fact]
    public void AFailingStepLeavesTheVersionBeforeIt()
    {
        using var c = T.Db.Open();
        SchemaMigration[] steps =
        [
            new(1, "one", _ => "CREATE TABLE a (x INTEGER)"),
            new(2, "broken", _ => "CREATE TABLE b (x INTEGER); THIS IS NOT SQL"),
        ];
        Assert.ThrowsAny<Exception>(() => Migrator.Migrate(c, T.Db.Dialect, steps));
        Assert.Equal(1, Convert.ToInt32(Db.Scalar(c, null, "SELECT MAX(version) FROM schema_version")));
        Assert.DoesNotContain("b", T.Tables());
        // Fixed, the next run applies it.
        steps[1] = new(2, "fixed", _ => "CREATE TABLE b (x INTEGER)");
        Assert.Equal(2, Migrator.Migrate(c, T.Db.Dialect, steps));
        Assert.Contains("b", T.Tables());
    }

    [Fact]
    public void ADatabaseNewerThanThePanelIsRefused()
    {
        using (var c = T.Db.Open())
            Migrator.Migrate(c, T.Db.Dialect, [new(1, "one", _ => "CREATE TABLE a (x INTEGER)"), new(2, "two", _ => "CREATE TABLE b (x INTEGER)")]);
        using (var c = T.Db.Open())
        {
            var e = Assert.Throws<PanelDatabaseException>(() => Migrator.Migrate(c, T.Db.Dialect, [new(1, "one", _ => "CREATE TABLE a (x INTEGER)")]));
            Assert.Contains("schema version 2", e.Message);
        }
    }

    [Fact]
    public void TheDialectsColumnTypesHoldWhatTheyName()
    {
        // The types later steps use (panel-vm's and others'): each keeps its value on both databases.
        var d = T.Db.Dialect;
        using var c = T.Db.Open();
        Migrator.Migrate(c, d, [new(1, "types", x => $"CREATE TABLE t (id {x.AutoId}, b {x.Bool} NOT NULL, r {x.Real} NOT NULL, y {x.Bytes} NOT NULL, s {x.Text}, at {x.Timestamp})")]);
        byte[] bytes = [0, 1, 255];
        var id = Convert.ToInt64(Db.Scalar(c, null, "INSERT INTO t (b, r, y, s, at) VALUES (@b, @r, @y, @s, @at) RETURNING id",
            ("@b", true), ("@r", 0.25), ("@y", bytes), ("@s", "x"), ("@at", Db.Now())));
        Db.Execute(c, null, "INSERT INTO t (b, r, y) VALUES (@b, @r, @y) ON CONFLICT (id) DO NOTHING", ("@b", false), ("@r", 1.5), ("@y", bytes));
        var rows = Db.Query(c, "SELECT id, b, r, y FROM t ORDER BY id", r => (Db.Long(r, 0), r.GetBoolean(1), r.GetDouble(2), (byte[])r.GetValue(3)));
        Assert.Equal([(id, true, 0.25), (id + 1, false, 1.5)], rows.Select(r => (r.Item1, r.Item2, r.Item3)));
        Assert.All(rows, r => Assert.Equal(bytes, r.Item4));
    }
}

public sealed class SqliteMigratorTests() : MigratorTests(TestDatabase.Sqlite("sub/dir/panel.db"));

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlMigratorTests(PostgresServer server) : MigratorTests(server.NewDatabase());
