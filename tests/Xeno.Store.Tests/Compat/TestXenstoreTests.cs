using Xeno.Store.Tests.Support;

namespace Xeno.Store.Tests.Compat;

/// <summary>Xen's own test program (xen-utils-4.17) against our server.</summary>
public class TestXenstoreTests
{
    private const string Program = "/usr/lib/xen-4.17/bin/test-xenstore";

    [Fact]
    public async Task FullSuitePasses()
    {
        await using var live = new LiveServer();
        var r = Tool.Run(live.SocketPath, Program, "-i", "3");
        Assert.True(r.ExitCode == 0, $"test-xenstore failed ({r.ExitCode}):\n{r.Stdout}{r.Stderr}");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^.{10}: avg: \d+ ns \(\d+ ns \.\. \d+ ns\)$", l));
        Assert.Null(live.Server.Engine.CheckInvariants());
    }

    [Fact]
    public async Task RandomModeRunsWithoutFailure()
    {
        // 20 s in CI; XENO_LONG_FUZZ=1 gives the minute the issue asks for.
        var seconds = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 60 : 20;
        await using var live = new LiveServer();
        var r = Tool.RunWithTimeout(live.SocketPath, TimeSpan.FromSeconds(seconds + 60), Program, "-r", seconds.ToString());
        Assert.True(r.ExitCode == 0, $"test-xenstore -r failed ({r.ExitCode}):\n{r.Stdout}{r.Stderr}");
        Assert.DoesNotContain("fail", r.Stdout + r.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Null(live.Server.Engine.CheckInvariants());
    }
}
