using System.Diagnostics;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// `xl create -c` and `xl create -F` as real xl processes (own stdin/stdout, as a user runs
/// them) against an in-process xenod: -c shows the console until the guest is gone, -F keeps
/// xl in the foreground through reboots until the domain dies, as Xen's xl does.
/// </summary>
public sealed class ScenarioCreateTests
{
    [Fact]
    public async Task CreateCShowsTheConsoleUntilTheGuestPowersOff()
    {
        await using var x = await Xenod.StartAsync();
        var cfg = x.PvConfig("cc", action: "poweroff", memory: 112, extra: "on_poweroff=\"destroy\"\n");
        using var xl = XlProcess.Start(x.Prefix, "create", "-c", cfg);
        // Input stays open and empty: the console keeps flowing until the domain goes away.
        var (exit, stdout, stderr) = await xl.WaitAsync(TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, $"xl create -c exited {exit}: {stderr}");
        Assert.Equal($"Parsing config from {cfg}\n", stderr);
        Assert.Contains("XENO-GUEST-READY", stdout, StringComparison.Ordinal);
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    [Fact]
    public async Task CreateCFShowsTheConsoleAndPrintsXlsMonitorLines()
    {
        await using var x = await Xenod.StartAsync();
        var cfg = x.PvConfig("cf", action: "poweroff", memory: 112, extra: "on_poweroff=\"destroy\"\n");
        using var xl = XlProcess.Start(x.Prefix, "create", "-c", "-F", cfg);
        var (exit, stdout, stderr) = await xl.WaitAsync(TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, $"xl create -c -F exited {exit}: {stderr}");
        Assert.Contains("XENO-GUEST-READY", stdout, StringComparison.Ordinal);
        // As Xen's xl -c -F: the monitor's lines on stderr while the console runs.
        Assert.Equal(
            $"Parsing config from {cfg}\n" +
            $"Waiting for domain cf (domid 1) to die [pid {xl.Pid}]\n" +
            "Domain 1 has shut down, reason code 0 0x0\n" +
            "Action for shutdown reason code 0 is destroy\n" +
            "Domain 1 needs to be cleaned up: destroying the domain\n" +
            "Done. Exiting now\n", stderr);
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    [Fact]
    public async Task CreateFStaysUntilTheDomainIsGoneThroughAReboot()
    {
        await using var x = await Xenod.StartAsync(agentTimeout: TimeSpan.FromSeconds(60));
        var cfg = x.PvConfig("fg", agent: true, memory: 112, extra: "on_reboot=\"restart\"\non_poweroff=\"destroy\"\n");
        using var xl = XlProcess.Start(x.Prefix, "create", "-F", cfg);
        await x.WaitForMarkerAsync("fg");
        await Xenod.WaitForAsync(() => x.ConsoleLog("fg").Contains("guest agent on /dev/vport", StringComparison.Ordinal), "fg's guest agent");
        Assert.False(xl.HasExited, "xl create -F returned while its domain runs: " + xl.Stderr);

        // A reboot restarts the domain under a new domid; Xen's xl -F recreates it and stays.
        Assert.Equal(0, x.Xl("reboot", "fg").Exit);
        await Xenod.WaitForAsync(() => x.Domid("fg") == 2, "fg to come back as domain 2", 300);
        await Xenod.WaitForAsync(() => x.MarkerCount("fg") == 2, "fg's marker after the reboot", 300);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken); // time to (wrongly) end
        Assert.False(xl.HasExited, "xl create -F returned after a reboot, but the domain lives on as domain 2: " + xl.Stderr);

        // Power off + on_poweroff=destroy: now the domain is gone and xl -F ends, status 0.
        await Xenod.WaitForAsync(() => x.ConsoleCount("fg", "guest agent on /dev/vport") == 2, "the agent after the reboot", 300);
        Assert.Equal(0, x.Xl("shutdown", "fg").Exit);
        var (exit, _, stderr) = await xl.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"xl create -F exited {exit}: {stderr}");
        // Xen's xl monitor lines, from xenod's event stream (tools/xl/xl_vmcontrol.c, all on stderr).
        Assert.Equal(
            $"Parsing config from {cfg}\n" +
            $"Waiting for domain fg (domid 1) to die [pid {xl.Pid}]\n" +
            "Domain 1 has shut down, reason code 1 0x1\n" +
            "Action for shutdown reason code 1 is restart\n" +
            "Domain 1 needs to be cleaned up: destroying the domain\n" +
            "Done. Rebooting now\n" +
            $"Waiting for domain fg (domid 2) to die [pid {xl.Pid}]\n" +
            "Domain 2 has shut down, reason code 0 0x0\n" +
            "Action for shutdown reason code 0 is destroy\n" +
            "Domain 2 needs to be cleaned up: destroying the domain\n" +
            "Done. Exiting now\n", stderr);
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    /// <summary>The built xl (xl.dll next to the tests) as a child process on a prefix.</summary>
    private sealed class XlProcess : IDisposable
    {
        private readonly Process _p;
        private readonly Task<string> _out;
        private readonly Task<string> _err;

        private XlProcess(Process p)
        {
            _p = p;
            _out = p.StandardOutput.ReadToEndAsync();
            _err = p.StandardError.ReadToEndAsync();
        }

        public bool HasExited => _p.HasExited;

        public int Pid => _p.Id;

        public string Stderr => _err.IsCompleted ? _err.Result : "(still running)";

        public static XlProcess Start(string prefix, params string[] args)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "xl.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing (Xeno.Cli is a project reference of the tests)");
            var info = new ProcessStartInfo("dotnet", [dll, .. args])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment["XENO_PREFIX"] = prefix;
            return new XlProcess(Process.Start(info) ?? throw new InvalidOperationException("cannot start xl"));
        }

        public async Task<(int Exit, string Out, string Err)> WaitAsync(TimeSpan timeout)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                await _p.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"xl did not exit within {timeout.TotalMinutes} min");
            }
            return (_p.ExitCode, await _out, await _err);
        }

        public void Dispose()
        {
            if (!_p.HasExited)
                _p.Kill();
            _p.Dispose();
        }
    }
}
