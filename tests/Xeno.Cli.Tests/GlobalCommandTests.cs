namespace Xeno.Cli.Tests;

public class GlobalCommandTests
{
    [Fact]
    public void UnknownCommand()
    {
        using var xl = new XlRunner();
        var (exit, _, stderr) = xl.Run("frobnicate");
        Assert.Equal(1, exit);
        Assert.Equal("command not implemented\n", stderr);
    }

    [Fact]
    public void UnknownGlobalOption()
    {
        using var xl = new XlRunner();
        var (exit, _, stderr) = xl.Run("-z", "create");
        Assert.Equal(1, exit);
        Assert.Equal("unknown global option\n", stderr);
    }

    [Fact]
    public void CommandPrefixesResolve()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("d.cfg", "name='d'\nkernel='/k'\n");
        Assert.Equal(0, xl.Run("-N", "cr", cfg).Exit);
        // As in Xen, "c" is ambiguous (create, console, ...).
        Assert.Equal((1, "", "command not implemented\n"), xl.Run("-N", "c", cfg));
    }

    [Fact]
    public void NoCommandPrintsTheListAndFails()
    {
        using var xl = new XlRunner();
        var (exit, stdout, _) = xl.Run();
        Assert.Equal(1, exit);
        Assert.StartsWith("Usage xl [-vfNtT] <subcommand> [args]\n\nxl full list of subcommands:\n\n", stdout);
        Assert.Contains(" create              Create a domain from config file <filename>\n", stdout);
    }

    [Fact]
    public void HelpForACommand()
    {
        using var xl = new XlRunner();
        var (exit, stdout, _) = xl.Run("help", "create");
        Assert.Equal(0, exit);
        Assert.StartsWith("Usage: xl [-vtTfN] create <ConfigFile> [options] [vars]\n\nCreate a domain from config file <filename>.\n\nOptions:\n\n-h ", stdout);
        Assert.Equal(stdout, xl.Run("create", "-h").Out);
    }

    [Fact]
    public void HelpForUnknownCommand()
    {
        using var xl = new XlRunner();
        var (exit, stdout, _) = xl.Run("help", "nosuch");
        Assert.Equal(0, exit);
        Assert.Equal("command \"nosuch\" not implemented\n", stdout);
    }
}
