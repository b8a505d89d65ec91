using System.Diagnostics;
using System.Net;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Data;

/// <summary>Choosing PostgreSQL, and what an operator sees when it cannot be used.</summary>
public sealed class PostgreSqlConnectionTests
{
    private static string Unreachable(string dir) => $"Host={dir};Port=5999;Username=xeno;Password=s3cret-pw;Database=panel;Timeout=5";

    [Fact]
    public void AnUnreachableServerIsAClearErrorNamingTheConnectionButNotThePassword()
    {
        var dir = Directory.CreateTempSubdirectory("xpn-").FullName;
        try
        {
            using var db = PanelDatabase.PostgreSql(Unreachable(dir));
            var e = Assert.Throws<PanelDatabaseException>(() => db.Migrate());
            Assert.StartsWith($"cannot open the panel's PostgreSQL database \"panel\" as user \"xeno\" on the unix socket in {dir} (port 5999): ", e.Message);
            Assert.DoesNotContain("s3cret-pw", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ConfigurationPicksTheDatabase()
    {
        Assert.Equal(SqlDialect.Sqlite, PanelDatabase.From(new PanelOptions { Prefix = "/nonexistent-prefix", Database = Path.Combine(Path.GetTempPath(), "x", "..", "p.db") }).Dialect);
        using (var pg = PanelDatabase.From(new PanelOptions { PostgreSql = "Host=db.example;Database=xeno;Username=panel" }))
        {
            Assert.Equal(SqlDialect.PostgreSql, pg.Dialect);
            Assert.Equal("PostgreSQL database \"xeno\" as user \"panel\" on db.example:5432", pg.Description);
        }
        Assert.Contains("not both", Assert.Throws<PanelDatabaseException>(() => PanelDatabase.From(new PanelOptions { Database = "/x.db", PostgreSql = "Host=h" })).Message);
        Assert.Contains("Panel:PostgreSql is not a valid Npgsql connection string", Assert.Throws<PanelDatabaseException>(() => PanelDatabase.PostgreSql("Hots=h;;=")).Message);
        Assert.Contains("names no Host", Assert.Throws<PanelDatabaseException>(() => PanelDatabase.PostgreSql("Database=x")).Message);
    }

    [Fact]
    public async Task XenoPanelPrintsOneLineAndExitsWhenItsDatabaseIsUnreachable()
    {
        var dir = Directory.CreateTempSubdirectory("xpn-").FullName;
        try
        {
            foreach (var command in new string[][] { ["run"], ["create-admin", "root"] })
            {
                var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
                };
                foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "xeno-panel.dll") }.Concat(command)
                             .Concat(["--prefix", dir, "--urls", "http://127.0.0.1:0", $"--Panel:PostgreSql={Unreachable(dir)}"]))
                    psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                await p.StandardInput.WriteLineAsync("a long password");
                p.StandardInput.Close();
                var err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
                var output = await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
                await p.WaitForExitAsync(TestContext.Current.CancellationToken);
                var text = await err;
                Assert.Equal(1, p.ExitCode);
                Assert.StartsWith("xeno-panel: cannot open the panel's PostgreSQL database \"panel\" as user \"xeno\"", text);
                Assert.Single(text.TrimEnd('\n').Split('\n'));
                Assert.DoesNotContain("   at ", text + output);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>The whole panel on PostgreSQL: accounts, a VM, quotas and the audit log through its pages.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlPanelTests(PostgresServer server)
{
    [Fact]
    public async Task ThePanelRunsOnPostgreSql()
    {
        using var t = server.NewDatabase();
        await using var panel = await PanelServer.StartAsync(o => o with { Database = null, PostgreSql = t.ConnectionString });
        panel.AddUser("ann");
        using var ann = await panel.LoggedInAsync("ann");
        var created = await ann.PostAsync("/Vms/Create", ("name", "pgvm"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        // Its rows are in PostgreSQL, not in a SQLite file.
        Assert.False(File.Exists(Path.Combine(panel.Root, "panel.db")));
        Assert.Contains("pgvm", await ann.TextAsync("/"));
        Assert.Contains(new AuditLog(t.Db).Read(user: "ann"), e => e.Action == "vm.create" && e.Target == "pgvm");
        Assert.Contains("vms", t.Tables());
        var again = await ann.PostAsync("/Vms/Create", ("name", "pgvm"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"));
        Assert.Equal((HttpStatusCode)422, again.StatusCode);
    }
}
