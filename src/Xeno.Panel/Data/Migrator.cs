using System.Data.Common;

namespace Xeno.Panel.Data;

/// <summary>
/// Brings a database to the newest schema: reads schema_version, applies each later step of
/// <see cref="Migrations.All"/> in its own transaction with its version row, so a failed step
/// leaves the database at the version before it. A database newer than this panel is refused.
/// </summary>
public static class Migrator
{
    public static int Migrate(DbConnection connection, SqlDialect dialect, IReadOnlyList<SchemaMigration>? steps = null)
    {
        steps ??= Migrations.All;
        Db.Execute(connection, null, $"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name {dialect.Text} NOT NULL, applied {dialect.Timestamp} NOT NULL)");
        int current = Convert.ToInt32(Db.Scalar(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version") ?? 0);
        int newest = steps.Count == 0 ? 0 : steps.Max(s => s.Version);
        if (current > newest)
            throw new InvalidOperationException($"the panel database is at schema version {current}, newer than this xeno-panel knows ({newest}); run a newer xeno-panel");
        foreach (var step in steps.Where(s => s.Version > current).OrderBy(s => s.Version))
        {
            using var tx = connection.BeginTransaction();
            Db.Execute(connection, tx, step.Sql(dialect));
            Db.Execute(connection, tx, "INSERT INTO schema_version (version, name, applied) VALUES (@v, @n, @t)",
                ("@v", step.Version), ("@n", step.Name), ("@t", Db.Now()));
            tx.Commit();
            current = step.Version;
        }
        return current;
    }
}
