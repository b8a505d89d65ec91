using System.Data.Common;

namespace Xeno.Panel.Data;

/// <summary>
/// Brings a database to the newest schema: reads schema_version, applies each later step of
/// <see cref="Migrations.All"/> in its own transaction with its version row, so a failed step
/// leaves the database at the version before it. A database newer than this panel is refused.
/// Each transaction first takes the dialect's migration lock and reads the version again, so
/// two panels starting at once on one database apply each step once.
/// </summary>
public static class Migrator
{
    public static int Migrate(DbConnection connection, SqlDialect dialect, IReadOnlyList<SchemaMigration>? steps = null)
    {
        steps ??= Migrations.All;
        using (var tx = connection.BeginTransaction())
        {
            Lock(connection, tx, dialect);
            Db.Execute(connection, tx, $"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name {dialect.Text} NOT NULL, applied {dialect.Timestamp} NOT NULL)");
            tx.Commit();
        }
        int current = Current(connection, null);
        int newest = steps.Count == 0 ? 0 : steps.Max(s => s.Version);
        if (current > newest)
            throw new PanelDatabaseException($"the panel database is at schema version {current}, newer than this xeno-panel knows ({newest}); run a newer xeno-panel");
        foreach (var step in steps.Where(s => s.Version > current).OrderBy(s => s.Version))
        {
            using var tx = connection.BeginTransaction();
            Lock(connection, tx, dialect);
            if (Current(connection, tx) >= step.Version)
                continue; // another panel applied it meanwhile (disposing rolls back the empty transaction)
            Db.Execute(connection, tx, step.Sql(dialect));
            Db.Execute(connection, tx, "INSERT INTO schema_version (version, name, applied) VALUES (@v, @n, @t)",
                ("@v", step.Version), ("@n", step.Name), ("@t", Db.Now()));
            tx.Commit();
        }
        return Current(connection, null);
    }

    private static int Current(DbConnection c, DbTransaction? tx) =>
        Convert.ToInt32(Db.Scalar(c, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version") ?? 0, System.Globalization.CultureInfo.InvariantCulture);

    private static void Lock(DbConnection c, DbTransaction tx, SqlDialect dialect)
    {
        if (dialect.MigrationLock is { } sql)
            Db.Execute(c, tx, sql);
    }
}
