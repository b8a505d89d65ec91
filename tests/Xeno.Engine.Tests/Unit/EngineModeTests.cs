using Xeno.Daemon;

namespace Xeno.Engine.Tests.Unit;

/// <summary>`xenod run`'s options and its place in xenod's usage.</summary>
public sealed class EngineModeTests
{
    [Fact]
    public void OptionsParse()
    {
        var s = EngineMode.Parse(["--prefix", "/srv/h1", "--foreground"], out var error)!;
        Assert.Null(error);
        Assert.Equal(("/srv/h1", true), (s.Prefix, s.Foreground));
        Assert.Equal("/x", EngineMode.Parse(["--prefix=/x"], out _)!.Prefix);
        Assert.Null(EngineMode.Parse(["--bogus"], out error));
        Assert.Equal("unknown option '--bogus'", error);
        Assert.Null(EngineMode.Parse(["--prefix"], out error));
        Assert.Equal("--prefix needs a directory", error);
        Assert.Null(EngineMode.Parse([], out _)!.SocketGroup);
        Assert.Equal("xeno", EngineMode.Parse(["--socket-group", "xeno"], out _)!.SocketGroup);
        Assert.Equal("xeno-api", EngineMode.Parse(["--socket-group=xeno-api", "-F"], out _)!.SocketGroup);
        Assert.Null(EngineMode.Parse(["--socket-group"], out error));
        Assert.Equal("--socket-group needs a group name", error);
        Assert.Null(EngineMode.Parse(["--socket-group="], out error));
        Assert.Equal("--socket-group needs a group name", error);
    }

    [Fact]
    public async Task UsageNamesTheRunModeAndBadOptionsFail()
    {
        var o = new StringWriter();
        Assert.Equal(0, await DaemonMain.RunAsync(["help"], o, new StringWriter(), TestContext.Current.CancellationToken));
        Assert.Contains("xenod run [--prefix P] [--foreground] [--socket-group G]", o.ToString(), StringComparison.Ordinal);
        var e = new StringWriter();
        Assert.Equal(2, await DaemonMain.RunAsync(["run", "--bogus"], new StringWriter(), e, TestContext.Current.CancellationToken));
        Assert.StartsWith("xenod run: unknown option '--bogus'\n", e.ToString(), StringComparison.Ordinal);
    }
}
