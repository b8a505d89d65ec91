using Xeno.Boot.Loaders;
using Xeno.Pygrub.Cli;

namespace Xeno.Pygrub.Tests;

public class TerminalMenuTests
{
    private static BootMenu Menu(string timeout) => new(ConfigKind.Grub2, "/g",
        [new("first", null, "/a", null, null), new("second", null, "/b", null, null)], 0, null, timeout, []);

    [Fact]
    public void ANumberPicksTheEntryAndBadInputAsksAgain()
    {
        var output = new StringWriter();
        int chosen = new TerminalMenu(new StringReader("7\n1\n"), output).Choose(Menu("-1"), 0);
        Assert.Equal(1, chosen);
        Assert.Contains("*  0  first", output.ToString());
        Assert.Contains("No entry 7.", output.ToString());
    }

    [Fact]
    public void EnterOrEndOfInputBootsTheDefault() =>
        Assert.Equal(1, new TerminalMenu(new StringReader("\n"), new StringWriter()).Choose(Menu("-1"), 1));

    [Fact]
    public void TimeoutBootsTheDefaultWithoutWaitingForRealTime()
    {
        TimeSpan asked = default;
        var menu = new TerminalMenu(new StringReader(""), new StringWriter(), limit => { asked = limit; return Task.FromResult<string?>(null); });
        Assert.Equal(0, menu.Choose(Menu("5"), 0));
        Assert.Equal(TimeSpan.FromSeconds(5), asked);
    }
}
