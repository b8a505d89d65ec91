using Xeno.Config.Language;
using Xeno.Config.Tests.Language.Oracle;

namespace Xeno.Config.Tests.Language;

/// <summary><c>xl create cfg key=value ...</c>: overrides are appended to the file text, so they win.</summary>
public sealed class OverrideTests
{
    [Fact]
    public void AppendsLikeXl()
    {
        Assert.Equal("a = 1\n\nmemory=512\nname=\"x\"\n\n",
            ConfigParser.AppendOverrides("a = 1\n", ["memory=512", "name=\"x\""]));
        // Without a final newline in the file the first override still starts on its own line.
        Assert.Equal("a = 1\nb=2\n\n", ConfigParser.AppendOverrides("a = 1", ["b=2"]));
    }

    [Fact]
    public void NoOverridesLeaveTheTextAlone()
    {
        Assert.Equal("a = 1", ConfigParser.AppendOverrides("a = 1", []));
        Assert.Equal("a = 1", ConfigParser.AppendOverrides("a = 1", ["not-an-override"]));
    }

    [Fact]
    public void OverridesWin()
    {
        var text = ConfigParser.AppendOverrides("memory = 256\nvcpus = 1\n", ["memory=1024"]);
        var reader = new ConfigReader(ConfigParser.Parse(text, "web.cfg").Document!);
        Assert.True(reader.TryGetLong("memory", out var memory));
        Assert.Equal(1024, memory);
        Assert.True(reader.TryGetLong("vcpus", out var vcpus));
        Assert.Equal(1, vcpus);
    }

    [Fact]
    public void ErrorsInOverridesAreReportedPastTheEndOfTheFile()
    {
        // An unquoted word on the command line is the classic mistake: xl reports it under the file's name.
        var text = ConfigParser.AppendOverrides("memory = 256\n", ["name=web"]);
        var result = ConfigParser.Parse(text, "web.cfg");
        Assert.Equal(["web.cfg:3: config parsing error near `web': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['"],
            result.DiagnosticLines());
        OracleAssert.SameAsOracle(text, "web.cfg");
    }
}
