namespace Xeno.Cli.Tests.Runtime;

/// <summary>xentop and xm are xl under other names.</summary>
public sealed class ProgramAliasesTests
{
    [Fact]
    public void XentopIsXlTop()
    {
        var err = new StringWriter();
        Assert.Equal(["top", "-b", "-i", "1"], ProgramAliases.XlArguments("/usr/local/sbin/xentop", ["-b", "-i", "1"], err));
        Assert.Equal("", err.ToString());
    }

    [Fact]
    public void XmRunsTheSameCommandAfterOneNotice()
    {
        var err = new StringWriter();
        Assert.Equal(["list"], ProgramAliases.XlArguments("xm", ["list"], err));
        Assert.Equal(ProgramAliases.XmNotice, err.ToString());
        Assert.Single(err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void XlIsItself()
    {
        var err = new StringWriter();
        Assert.Equal(["list"], ProgramAliases.XlArguments("/usr/sbin/xl", ["list"], err));
        Assert.Equal("", err.ToString());
    }

    [Fact]
    public void TheInvokedNameIsThisProcesssArgv0()
    {
        // The test host runs as dotnet or as the test program itself; either way a file name.
        var name = ProgramAliases.InvokedName();
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(File.ReadAllText("/proc/self/cmdline").Split('\0')[0], name);
    }
}
