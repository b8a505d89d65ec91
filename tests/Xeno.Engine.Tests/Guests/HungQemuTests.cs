using System.Diagnostics;
using Xeno.Engine.Domains;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// A guest whose QEMU is stopped with SIGSTOP (it never answers QMP): only its own requests fail,
/// with "QEMU of domain N is not responding"; list, create, pause and the console of other guests
/// answer meanwhile; xl destroy kills it. The bounds are generous: they turn a hang into a failure.
/// </summary>
public sealed class HungQemuTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The process exists and is not a zombie.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    private static Task<(int Exit, string Out, string Err)> XlAsync(Xenod x, params string[] args) =>
        Task.Run(() => x.Xl(args), Token).WaitAsync(Bound, Token);

    [Fact]
    public async Task AStoppedQemuFailsOnlyItsOwnRequestsAndDestroyKillsIt()
    {
        await using var x = await Xenod.StartAsync(new EngineOptions { QmpTimeout = TimeSpan.FromSeconds(3) });
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig("hung")));
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig("third")));
        await x.WaitForMarkerAsync("third");
        var hung = await x.Host!.Engine.GetAsync("hung", Token);
        int pid = hung.QemuPid!.Value;
        Signal(pid, "STOP");
        try
        {
            // Its own request waits for QMP's deadline; meanwhile everything else answers.
            var own = XlAsync(x, "pause", "hung");
            var list = await XlAsync(x, "list");
            Assert.Equal(0, list.Exit);
            Assert.Contains("\nhung ", list.Out, StringComparison.Ordinal);
            Assert.Equal((0, "", ""), await XlAsync(x, "create", "-q", x.PvConfig("other")));
            Assert.Equal((0, "", ""), await XlAsync(x, "pause", "third"));
            using (var console = new ConsoleApi(x.Prefix))
                Assert.Contains("XENO-GUEST-READY", await console.RecentOutputAsync("third").WaitAsync(Bound, Token), StringComparison.Ordinal);

            var failed = await own;
            Assert.NotEqual(0, failed.Exit);
            Assert.Contains($"QEMU of domain {hung.Domid} is not responding", failed.Err, StringComparison.Ordinal);
            // Listed, and marked as not responding for the API.
            Assert.False((await x.Host.Engine.GetAsync("hung", Token)).Responding);
            Assert.True((await x.Host.Engine.GetAsync("third", Token)).Responding);
            Assert.Contains("\nhung ", (await XlAsync(x, "list")).Out, StringComparison.Ordinal);

            // Destroy takes the kill path: the stopped QEMU is gone.
            Assert.Equal((0, "", ""), await XlAsync(x, "destroy", "hung"));
            await Xenod.WaitForAsync(() => !Alive(pid), "the stopped QEMU to be gone", 60);
            Assert.DoesNotContain("hung", x.ListNames());
        }
        finally
        {
            if (Alive(pid))
                Signal(pid, "CONT");
        }
        Assert.Equal((0, "", ""), x.Xl("destroy", "third"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "other"));
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    [Fact]
    public async Task DomidsKeepIncreasingAcrossAXenodRestartWithNoDomainLeft()
    {
        await using var x = await Xenod.StartAsync();
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig("first")));
        int first = x.Domid("first");
        Assert.Equal((0, "", ""), x.Xl("destroy", "first"));
        await x.StopHostAsync();
        await x.StartHostAsync();
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig("second")));
        Assert.True(x.Domid("second") > first, $"domid {x.Domid("second")} after {first}: reused after a restart");
        Assert.Equal((0, "", ""), x.Xl("destroy", "second"));
    }
}
