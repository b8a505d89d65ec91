using Xeno.Cli;

namespace Xeno.Cli.Tests;

public class SmokeTests
{
    [Fact]
    public void UnknownCommandFails()
    {
        var o = new StringWriter(); var e = new StringWriter();
        Assert.Equal(1, XlMain.Run(["frobnicate"], o, e));
    }
}
