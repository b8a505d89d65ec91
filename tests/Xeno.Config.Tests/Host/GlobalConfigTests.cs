using Xeno.Config.Host;
using Xeno.Config.Language;

namespace Xeno.Config.Tests.Host;

public class GlobalConfigTests
{
    private static (GlobalConfig Config, string Stderr) Read(string text)
    {
        var parse = ConfigParser.Parse(text, "/etc/xeno/xl.conf");
        Assert.True(parse.Success);
        var messages = new List<string>();
        var config = GlobalConfigReader.Read(parse.Document!, messages);
        return (config, string.Concat(messages));
    }

    [Fact]
    public void EmptyFileGivesDefaults()
    {
        var (c, err) = Read("");
        Assert.Equal(GlobalConfig.Default, c);
        Assert.Equal("", err);
    }

    [Fact]
    public void DottedKeysAreRead()
    {
        var (c, err) = Read("vif.default.script=\"vif-route\"\nvif.default.bridge=\"br0\"\nvif.default.gatewaydev=\"eth1\"\n" +
                            "vif.default.backend=\"netback\"\nlockfile=\"/run/xl.lock\"\noutput_format=\"sxp\"\n" +
                            "autoballoon=\"off\"\nrun_hotplug_scripts=0\nclaim_mode=0\naccel=\"tcg\"\n");
        Assert.Equal("", err);
        Assert.Equal("vif-route", c.VifScript);
        Assert.Equal("br0", c.VifBridge);
        Assert.Equal("eth1", c.VifGatewayDev);
        Assert.Equal("netback", c.VifBackend);
        Assert.Equal("/run/xl.lock", c.LockFile);
        Assert.Equal("sxp", c.OutputFormat);
        Assert.False(c.Autoballoon);
        Assert.False(c.RunHotplugScripts);
        Assert.False(c.ClaimMode);
        Assert.Equal("tcg", c.Accel);
    }

    [Fact]
    public void DeprecatedNamesStillWorkWithXlsWarnings()
    {
        var (c, err) = Read("vifscript=\"vif-nat\"\ndefaultbridge=\"br9\"\n");
        Assert.Equal("vif-nat", c.VifScript);
        Assert.Equal("br9", c.VifBridge);
        Assert.Equal(
            "the global config option vifscript is deprecated, please switch to vif.default.script\n" +
            "the global config option defaultbridge is deprecated, please switch to vif.default.bridge\n", err);
    }

    [Fact]
    public void NewNameWinsOverDeprecatedOne()
    {
        var (c, _) = Read("vifscript=\"old\"\nvif.default.script=\"new\"\n");
        Assert.Equal("new", c.VifScript);
    }

    [Fact]
    public void BadValuesAreReportedAndIgnored()
    {
        var (c, err) = Read("output_format=\"xml\"\nautoballoon=\"sometimes\"\n");
        Assert.Equal("json", c.OutputFormat);
        // xl prints the autoballoon complaint without a newline.
        Assert.Equal("invalid autoballoon optioninvalid default output format \"xml\"\n", err);
    }
}
