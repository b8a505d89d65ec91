using System.Diagnostics;
using System.Globalization;
using Xeno.Engine.Network;

namespace Xeno.Engine.Tests.Network;

/// <summary>
/// The host-command runner with real processes (sh, cat, sleep): stdin in, stdout out, the exit
/// status and stderr in the error with the command named, the deadline killing the command and
/// its children, a missing program, and a child left holding the pipes not holding up the caller.
/// </summary>
public sealed class HostCommandRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-hcr-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StdinGoesInAndStdoutComesBack()
    {
        var r = await HostCommandRunner.Instance.RunAsync(["cat"], "table netdev t {\n}\n", cancel: Cancel);
        Assert.Equal(new HostCommandResult(0, "table netdev t {\n}\n", ""), r);
        Assert.Equal("a b\n", await HostCommandRunner.Instance.CheckAsync(["sh", "-c", "echo \"$0 $1\"", "a", "b"], cancel: Cancel));
    }

    [Fact]
    public async Task ArgumentsAreNeverAShellString()
    {
        // Shell syntax in an argument is just text to the program.
        string marker = Path.Combine(_dir, "made");
        var echoed = await HostCommandRunner.Instance.CheckAsync(["echo", $"x; touch {marker}", "$(id)"], cancel: Cancel);
        Assert.Equal($"x; touch {marker} $(id)\n", echoed);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task AFailedCommandIsNamedWithItsExitStatusAndStderr()
    {
        string[] command = ["sh", "-c", "echo out; echo 'RTNETLINK answers: File exists' >&2; exit 3"];
        var r = await HostCommandRunner.Instance.RunAsync(command, cancel: Cancel);
        Assert.Equal((3, "out\n", "RTNETLINK answers: File exists\n"), (r.ExitCode, r.Stdout, r.Stderr));

        var e = await Assert.ThrowsAsync<HostCommandException>(() => HostCommandRunner.Instance.CheckAsync(command, cancel: Cancel));
        Assert.Equal("sh -c echo out; echo 'RTNETLINK answers: File exists' >&2; exit 3 failed (exit 3): RTNETLINK answers: File exists", e.Message);
        var quiet = await Assert.ThrowsAsync<HostCommandException>(() => HostCommandRunner.Instance.CheckAsync(["false"], cancel: Cancel));
        Assert.Equal("false failed (exit 1)", quiet.Message);
    }

    [Fact]
    public async Task AMissingProgramIsReportedAsNotInstalled()
    {
        string name = "xeno-no-such-tool-" + Guid.NewGuid().ToString("N")[..8];
        var e = await Assert.ThrowsAsync<HostCommandException>(() => HostCommandRunner.Instance.RunAsync([name, "x"], cancel: Cancel));
        Assert.Equal($"{name} is not installed (looked in /usr/sbin, /sbin, /usr/bin, /bin)", e.Message);
        var path = await Assert.ThrowsAsync<HostCommandException>(() => HostCommandRunner.Instance.RunAsync([Path.Combine(_dir, name)], cancel: Cancel));
        Assert.Equal($"{Path.Combine(_dir, name)} is not installed (no such file)", path.Message);
    }

    [Fact]
    public async Task ACommandPastItsDeadlineIsKilledWithItsChildren()
    {
        var runner = new HostCommandRunner { Deadline = TimeSpan.FromSeconds(5) };
        string pidFile = Path.Combine(_dir, "child.pid");
        string[] command = ["sh", "-c", $"sleep 600 & echo $! > {pidFile}; wait"];
        var e = await Assert.ThrowsAsync<HostCommandException>(() => runner.RunAsync(command, cancel: Cancel));
        Assert.Equal($"{HostCommandRunner.Text(command)}: did not finish within 5 s and was killed", e.Message);
        int child = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        await Support.Xenod.WaitForAsync(() => Gone(child), "the command's child (sleep) to be killed too", 30);
    }

    [Fact]
    public async Task CancellingStopsTheCommand()
    {
        string pidFile = Path.Combine(_dir, "self.pid");
        using var cancel = new CancellationTokenSource();
        var run = HostCommandRunner.Instance.RunAsync(["sh", "-c", $"echo $$ > {pidFile}; exec sleep 600"], cancel: cancel.Token);
        await Support.Xenod.WaitForAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), "the command to start", 30);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        int pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        await Support.Xenod.WaitForAsync(() => Gone(pid), "the cancelled command to be killed", 30);
    }

    [Fact]
    public async Task ADaemonLeftHoldingThePipesDoesNotHoldUpTheCaller()
    {
        // As dnsmasq forks into the background: the command exits 0 while its child lives on. Here
        // the child keeps stdout and stderr open; the runner returns after a short grace anyway.
        string pidFile = Path.Combine(_dir, "daemon.pid");
        var sw = Stopwatch.StartNew();
        var r = await HostCommandRunner.Instance.RunAsync(["sh", "-c", $"sleep 600 & echo $! > {pidFile}"], cancel: Cancel);
        sw.Stop();
        int daemon = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal(0, r.ExitCode);
            Assert.True(sw.Elapsed < HostCommandRunner.Instance.Deadline, $"took {sw.Elapsed}");
        }
        finally
        {
            using var p = Process.GetProcessById(daemon);
            p.Kill();
        }
    }

    /// <summary>No such process, or one that only waits to be reaped.</summary>
    private static bool Gone(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
