using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// xl migrate of a domain created paused (its kernel never runs, so no guest boot's cost): the
/// whole path (describe, QEMU's send through xl, the receiver's QEMU, the hand-over) with -p,
/// and a channel cut early, which leaves the domain as it was: paused, same domid, nothing else.
/// </summary>
public sealed class MigratePausedDomainTests
{
    private static readonly string XlPath = Path.Combine(AppContext.BaseDirectory, "xl");

    private static string Receiver(Xenod x, string through = "") =>
        $"env XENO_PREFIX={x.Prefix} sh -c 'shift 2; {through}exec {XlPath} \"$@\"' sh";

    private static string[] RunFolders(Xenod x) =>
        [.. Directory.GetDirectories(Path.Combine(x.Prefix, "run/xeno")).Select(d => Path.GetFileName(d)).Where(d => Regex.IsMatch(d, @"^d\d+$"))];

    [Fact]
    public async Task APausedDomainMovesPausedAndACutChannelLeavesItAsItWas()
    {
        string name = "mp-" + Guid.NewGuid().ToString("N")[..6];
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", "-p", x.PvConfig(name)).Exit);
        int first = x.Domid(name);

        var cut = x.Xl("migrate", "-p", "-s", Receiver(x, "head -c 100000 | "), name, "localhost");
        Assert.True(cut.Exit == 1, cut.Err);
        Assert.EndsWith("Migration failed, resuming at sender.\n", cut.Err);
        Assert.Equal(["Domain-0", name], x.ListNames());
        Assert.Equal(first, x.Domid(name));
        Xenod.AssertRow(@" --p--- ", x.ListRow(name));
        Assert.Equal([$"d{first}"], RunFolders(x));

        var (exit, _, err) = x.Xl("migrate", "-p", "-s", Receiver(x), name, "localhost");
        TestContext.Current.TestOutputHelper?.WriteLine(err);
        Assert.True(exit == 0, err);
        Assert.Contains("migration target: Domain started successsfully.\n", err);
        Assert.EndsWith("Migration successful.\n", err);
        Assert.Equal(["Domain-0", name], x.ListNames());
        int second = x.Domid(name);
        Assert.True(second > first, $"new domid {second} after {first}");
        Xenod.AssertRow(@" --p--- ", x.ListRow(name));
        Assert.Equal([$"d{second}"], RunFolders(x));

        Assert.Equal(0, x.Xl("destroy", name).Exit);
        Assert.Empty(RunFolders(x));
    }

    /// <summary>
    /// Ganeti's form: the target runs socat listening on TCP with SYSTEM:'xl migrate-receive', the
    /// source runs xl migrate -s "socat - TCP:&lt;ip&gt;:&lt;port&gt; #" (the "#" comments out the rune's tail).
    /// </summary>
    [Fact]
    public async Task GanetisSocatFormMovesADomain()
    {
        string name = "ms-" + Guid.NewGuid().ToString("N")[..6];
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", "-p", x.PvConfig(name)).Exit);
        int first = x.Domid(name);

        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var info = new System.Diagnostics.ProcessStartInfo("socat")
        {
            UseShellExecute = false, RedirectStandardError = true,
        };
        info.ArgumentList.Add("-b524288");
        info.ArgumentList.Add($"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr");
        info.ArgumentList.Add($"SYSTEM:'XENO_PREFIX={x.Prefix} exec {XlPath} migrate-receive -p'");
        using var socat = System.Diagnostics.Process.Start(info)!;
        var socatErr = socat.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await Xenod.WaitForAsync(() => Network.TestNet.TryRun("ss", "-Hltn", $"sport = :{port}").Out.Contains($":{port}", StringComparison.Ordinal),
                "socat listening", 30);
            var (exit, _, err) = x.Xl("migrate", "-p", "-s", $"socat -b524288 - TCP:127.0.0.1:{port} #", name, "127.0.0.1");
            Assert.True(exit == 0, err + "\nreceiver: " + (socat.HasExited ? await socatErr : ""));
            Assert.EndsWith("migration sender: Target reports successful startup.\n", err[..err.IndexOf("migration sender: downtime", StringComparison.Ordinal)]);
            Assert.EndsWith("Migration successful.\n", err);
            Assert.True(socat.WaitForExit(30_000), "socat ends with its one connection");
            Assert.Contains("migration target: Domain started successsfully.\n", await socatErr);
            Assert.Equal(["Domain-0", name], x.ListNames());
            Assert.True(x.Domid(name) > first);
            Assert.Equal(0, x.Xl("destroy", name).Exit);
            Assert.Empty(RunFolders(x));
        }
        finally
        {
            if (!socat.HasExited)
                socat.Kill();
        }
    }
}
