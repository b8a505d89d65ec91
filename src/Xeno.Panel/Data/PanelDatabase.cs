using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Xeno.Panel.Data;

/// <summary>
/// The panel's database: hands out open connections (pooled by the provider) and migrates the
/// schema once at start. SQLite by default (one file, nothing to run), PostgreSQL when
/// configured (<see cref="PanelOptions.PostgreSql"/>). The stores see only
/// <see cref="DbConnection"/> and <see cref="Dialect"/>, so every query and migration runs on both.
/// </summary>
public sealed class PanelDatabase : IDisposable
{
    private readonly string? _sqlite;
    private readonly NpgsqlDataSource? _postgres;

    /// <summary>A SQLite database in the file <paramref name="path"/> (its folder is created).</summary>
    public PanelDatabase(string path)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        _sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            ForeignKeys = true,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = 30,
        }.ToString();
        Dialect = SqlDialect.Sqlite;
        Description = $"SQLite database {path}";
    }

    private PanelDatabase(NpgsqlDataSource source, string description)
    {
        _postgres = source;
        Dialect = SqlDialect.PostgreSql;
        Description = description;
    }

    /// <summary>A PostgreSQL database from an Npgsql connection string (Host=... ;Database=... ;Username=...).</summary>
    public static PanelDatabase PostgreSql(string connectionString)
    {
        NpgsqlConnectionStringBuilder b;
        try
        {
            b = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new PanelDatabaseException($"Panel:PostgreSql is not a valid Npgsql connection string: {e.Message}", e);
        }
        if (string.IsNullOrEmpty(b.Host))
            throw new PanelDatabaseException("Panel:PostgreSql names no Host (a host name, an address, or the folder of the server's unix socket)");
        return new PanelDatabase(NpgsqlDataSource.Create(b.ConnectionString), Describe(b));
    }

    /// <summary>The database the options name: PostgreSQL when Panel:PostgreSql is set, else the SQLite file.</summary>
    public static PanelDatabase From(PanelOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PostgreSql))
            return new PanelDatabase(options.DatabasePath);
        if (options.Database is not null)
            throw new PanelDatabaseException("set either Panel:Database (a SQLite file) or Panel:PostgreSql (a PostgreSQL connection string), not both");
        return PostgreSql(options.PostgreSql);
    }

    /// <summary>Which database this is, for messages: the SQLite file, or PostgreSQL's database, user and server (never a password).</summary>
    public string Description { get; }

    public SqlDialect Dialect { get; }

    public DbConnection Open()
    {
        if (_postgres is not null)
            return _postgres.OpenConnection();
        var c = new SqliteConnection(_sqlite);
        c.Open();
        return c;
    }

    /// <summary>Creates or upgrades the schema; answers the version it is at. Any failure is a <see cref="PanelDatabaseException"/> naming the database.</summary>
    public int Migrate()
    {
        DbConnection c;
        try
        {
            c = Open();
        }
        catch (Exception e) when (e is DbException or SocketException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            throw new PanelDatabaseException($"cannot open the panel's {Description}: {Reason(e)}", e);
        }
        using (c)
        {
            try
            {
                // Write-ahead logging: page reads never wait for the audit writer.
                if (Dialect == SqlDialect.Sqlite)
                    Db.Execute(c, null, "PRAGMA journal_mode=WAL");
                return Migrator.Migrate(c, Dialect);
            }
            catch (DbException e)
            {
                throw new PanelDatabaseException($"cannot migrate the panel's {Description}: {Reason(e)}", e);
            }
        }
    }

    public void Dispose() => _postgres?.Dispose();

    private static string Describe(NpgsqlConnectionStringBuilder b)
    {
        var server = b.Host!.StartsWith('/') ? $"the unix socket in {b.Host} (port {b.Port})" : $"{b.Host}:{b.Port}";
        var user = b.Username ?? Environment.UserName;
        return $"PostgreSQL database \"{b.Database ?? user}\" as user \"{user}\" on {server}";
    }

    /// <summary>The exception's message and its causes' (Npgsql puts the socket error inside).</summary>
    private static string Reason(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (!parts.Contains(x.Message))
                parts.Add(x.Message);
        }
        return string.Join(": ", parts);
    }
}
