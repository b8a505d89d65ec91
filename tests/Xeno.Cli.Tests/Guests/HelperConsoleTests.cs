using Xeno.GuestDisks.Rescue;

namespace Xeno.Cli.Tests.Guests;

/// <summary>The helper guests' console protocol: progress lines, then one whole result line.</summary>
public sealed class HelperConsoleTests
{
    [Fact]
    public void TheHelpersReportIsReadFromWholeLines()
    {
        var empty = HelperConsole.Install.Read("");
        Assert.Equal((false, false, null), (empty.Finished, empty.Succeeded, empty.Reason));
        Assert.Empty(empty.Steps);
        var running = HelperConsole.Install.Read("[ 1.0] kernel\r\nXENO-GUEST-READY\r\nxeno-install: checking the filesystem\r\nxeno-install: grow");
        Assert.False(running.Finished);
        Assert.Equal(["checking the filesystem"], running.Steps);
        // Not yet a whole line: not a result.
        Assert.False(HelperConsole.Install.Read("xeno-install: a\nXENO-INSTALL-OK").Finished);
        var ok = HelperConsole.Install.Read("xeno-install: a\nxeno-install: b\r\nXENO-INSTALL-OK\r\nreboot: Power down\n");
        Assert.True(ok.Finished && ok.Succeeded);
        Assert.Equal(["a", "b"], ok.Steps);
        var failed = HelperConsole.Install.Read("xeno-install: a\nXENO-INSTALL-FAILED: the disk has no MBR partition table\n");
        Assert.Equal((true, false, "the disk has no MBR partition table"), (failed.Finished, failed.Succeeded, failed.Reason));
    }

    [Fact]
    public void EachHelperIsReadByItsOwnTags()
    {
        const string log = "xeno-install: a\nxeno-convert: b\nXENO-CONVERT-FAILED: no grub\nXENO-INSTALL-OK\n";
        var install = HelperConsole.Install.Read(log);
        Assert.Equal((true, true, null), (install.Finished, install.Succeeded, install.Reason));
        Assert.Equal(["a"], install.Steps);
        var convert = HelperConsole.Convert.Read(log);
        Assert.Equal((true, false, "no grub"), (convert.Finished, convert.Succeeded, convert.Reason));
        Assert.Equal(["b"], convert.Steps);
    }
}
