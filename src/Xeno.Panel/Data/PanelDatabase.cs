using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Xeno.Panel.Data;

/// <summary>
/// The panel's database: hands out open connections (pooled by the provider) and migrates the
/// schema once at start. SQLite today; the dialect and <see cref="DbConnection"/> keep the stores
/// free of SQLite specifics so PostgreSQL slots in beside it.
/// </summary>
public sealed class PanelDatabase
{
    private readonly string _connectionString;

    public PanelDatabase(string path)
    {
        Path = path;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            ForeignKeys = true,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public SqlDialect Dialect => SqlDialect.Sqlite;

    public DbConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    /// <summary>Creates or upgrades the schema; answers the version it is at.</summary>
    public int Migrate()
    {
        using var c = Open();
        // Write-ahead logging: page reads never wait for the audit writer.
        Db.Execute(c, null, "PRAGMA journal_mode=WAL");
        return Migrator.Migrate(c, Dialect);
    }
}
