using Xeno.Daemon;
using Xeno.Store.Tests.Support;

namespace Xeno.Store.Tests.Daemon;

public class XenodCliTests
{
    [Fact]
    public async Task HelpDescribesTheXenstoredMode()
    {
        var o = new StringWriter();
        Assert.Equal(0, await DaemonMain.RunAsync(["--help"], o, new StringWriter(), CancellationToken.None));
        Assert.Contains("xenod xenstored --socket PATH [--state-dir DIR] [--prefix P]", o.ToString());
    }

    [Fact]
    public async Task UnknownModeAndMissingSocketFail()
    {
        var e = new StringWriter();
        Assert.Equal(1, await DaemonMain.RunAsync(["frob"], new StringWriter(), e, CancellationToken.None));
        Assert.StartsWith("xenod: unknown mode 'frob'", e.ToString());
        e = new StringWriter();
        Assert.Equal(2, await DaemonMain.RunAsync(["xenstored"], new StringWriter(), e, CancellationToken.None));
        Assert.StartsWith("xenod xenstored: --socket PATH is required", e.ToString());
        e = new StringWriter();
        Assert.Equal(2, await DaemonMain.RunAsync(["xenstored", "--socket", "/x", "--bogus"], new StringWriter(), e, CancellationToken.None));
        Assert.StartsWith("xenod xenstored: unknown option '--bogus'", e.ToString());
    }

    [Fact]
    public void PrefixPlacesStateAndDomainSockets()
    {
        var s = XenstoredMode.Parse(["--socket", "/run/s", "--prefix", "/srv/x"], out _)!;
        Assert.Equal("/srv/x/var/lib/xeno/xenstore", s.StateDirectory);
        Assert.Equal("/srv/x/run/xeno/xenstore", s.DomainSocketDirectory);
        s = XenstoredMode.Parse(["--socket", "/run/s", "--state-dir", "/st"], out _)!;
        Assert.Equal("/st", s.StateDirectory);
        Assert.Equal("/run/xeno/xenstore", s.DomainSocketDirectory);
    }

    [Fact]
    public async Task DamagedStateIsReportedAndTheDaemonRefusesToStart()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["state"]);
        File.WriteAllBytes(Path.Combine(dir["state"], "snapshot"), "XENOXS01 garbage that is not a snapshot"u8.ToArray());
        var e = new StringWriter();
        var code = await DaemonMain.RunAsync(["xenstored", "--socket", dir["sock"], "--state-dir", dir["state"]], new StringWriter(), e, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.StartsWith("xenod xenstored: cannot start: ", e.ToString());
        Assert.Contains("snapshot is damaged", e.ToString());
    }
}
