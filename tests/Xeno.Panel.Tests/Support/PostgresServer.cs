using System.Diagnostics;
using Npgsql;
using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Support;

/// <summary>The tests that need a PostgreSQL server share one per test run (<see cref="PostgresServer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgresql";
}

/// <summary>
/// A real PostgreSQL server from Debian's package (/usr/lib/postgresql/N/bin), made for this
/// test run: initdb into a fresh folder under /tmp, started with pg_ctl on a unix socket in
/// that folder only (no TCP) and a random port number, as the postgres system user when the
/// tests run as root (PostgreSQL refuses root). Each test gets a database of its own
/// (<see cref="NewDatabase"/>). At the end the server is stopped and the folder removed, and
/// both are checked.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string SystemUser = "postgres";
    private string _bin = "";
    private int? _postmasterPid;

    public string Dir { get; private set; } = "";
    public int Port { get; private set; }
    private string DataDir => Path.Combine(Dir, "data");

    public string ConnectionString(string database, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder { Host = Dir, Port = Port, Username = "postgres", Database = database, Pooling = pooling }.ToString();

    public async ValueTask InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault() ?? ""
            : "";
        if (_bin.Length == 0)
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): apt-get install postgresql (it is in XENO_TEST_PACKAGES)");
        Dir = Path.Combine("/tmp", "xeno-pg-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
        Port = Random.Shared.Next(20000, 60000);
        try
        {
            // Made by the user the server runs as, mode 0700: initdb insists on owning its folders.
            await RunAsync("mkdir", ["-m", "0700", Dir]);
            await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
            // listen_addresses='' : the socket in our folder only; fsync off: a throwaway server.
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDir, "-l", Path.Combine(Dir, "server.log"), "-w", "-t", "120",
                "-o", $"-k {Dir} -p {Port} -c listen_addresses= -c fsync=off -c shared_buffers=16MB -c max_connections=60", "start"]);
            _postmasterPid = int.Parse(File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop and remove what there is.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh database for one test, with its <see cref="PanelDatabase"/>; disposing drops it and checks it is gone.</summary>
    public TestDatabase NewDatabase()
    {
        var name = "t_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        Admin($"CREATE DATABASE {name}");
        var db = PanelDatabase.PostgreSql(ConnectionString(name));
        return new TestDatabase(db, ConnectionString(name), "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", () =>
        {
            db.Dispose();
            Admin($"DROP DATABASE {name} WITH (FORCE)");
            using var c = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
            c.Open();
            using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM pg_database WHERE datname = @n", c);
            cmd.Parameters.AddWithValue("n", name);
            if ((long)cmd.ExecuteScalar()! != 0)
                throw new InvalidOperationException($"database {name} is still there after DROP DATABASE");
        });
    }

    private void Admin(string sql)
    {
        using var c = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        if (Dir.Length == 0)
            return;
        if (File.Exists(Path.Combine(DataDir, "postmaster.pid")))
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDir, "-m", "fast", "-w", "-t", "60", "stop"]);
        if (_postmasterPid is { } pid && Alive(pid))
            throw new InvalidOperationException($"the test PostgreSQL server (pid {pid}) is still running after pg_ctl stop");
        if (Directory.Exists(Dir))
            Directory.Delete(Dir, recursive: true);
        if (Directory.Exists(Dir))
            throw new InvalidOperationException($"{Dir} is still there");
    }

    private static bool Alive(int pid)
    {
        // pg_ctl -w returns once the postmaster is gone; give /proc a moment to agree.
        var sw = Stopwatch.StartNew();
        while (Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/stat").Contains("postgres", StringComparison.Ordinal))
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(10))
                return true;
            Thread.Sleep(50);
        }
        return false;
    }

    /// <summary>Runs a command as the postgres user (when root) and fails with its output when it fails.</summary>
    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        bool root = Environment.UserName == "root";
        var psi = new ProcessStartInfo(root ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The test's own folder may be closed to the postgres user.
            WorkingDirectory = "/",
        };
        if (root)
        {
            foreach (var a in new[] { "-u", SystemUser, "--", file })
                psi.ArgumentList.Add(a);
        }
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }
}

/// <summary>A database for one test: the panel's handle on it, how to list its tables, and how to remove it.</summary>
public sealed class TestDatabase(PanelDatabase db, string? connectionString, string tablesSql, Action remove) : IDisposable
{
    public PanelDatabase Db { get; } = db;

    /// <summary>PostgreSQL's connection string (Panel:PostgreSql); null for SQLite.</summary>
    public string? ConnectionString { get; } = connectionString;

    public IReadOnlyList<string> Tables()
    {
        using var c = Db.Open();
        return Xeno.Panel.Data.Db.Query(c, tablesSql, r => r.GetString(0));
    }

    public static TestDatabase Sqlite(string? file = null)
    {
        var dir = Directory.CreateTempSubdirectory("xpd-").FullName;
        var db = new PanelDatabase(Path.Combine(dir, file ?? "panel.db"));
        return new TestDatabase(db, null, "SELECT name FROM sqlite_master WHERE type = 'table'", () =>
        {
            db.Dispose();
            Directory.Delete(dir, recursive: true);
        });
    }

    public void Dispose() => remove();
}
