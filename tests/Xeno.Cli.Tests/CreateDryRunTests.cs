using System.Text.Json;

namespace Xeno.Cli.Tests;

/// <summary>`xl -N create` end to end: argument handling, messages, exit statuses and JSON.</summary>
public class CreateDryRunTests
{
    private const string Demo = "name = \"demo\"\nkernel = \"/boot/vmlinuz\"\nmemory = 256\n";

    [Fact]
    public void PrintsParsingLineAndJson()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("demo.cfg", Demo);
        var (exit, stdout, stderr) = xl.Run("-N", "create", cfg);
        Assert.Equal(0, exit);
        Assert.Equal($"Parsing config from {cfg}\n", stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("demo", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(256, json.RootElement.GetProperty("memory").GetInt32());
        Assert.EndsWith("}\n", stdout);
    }

    [Fact]
    public void OldDashNAndLongDryrunOptionWork()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("demo.cfg", Demo);
        Assert.Equal(0, xl.Run("create", "-n", cfg).Exit);
        Assert.Equal(0, xl.Run("create", cfg, "--dryrun").Exit);
        Assert.Equal(0, xl.Run("create", "--dry", cfg).Exit); // unambiguous long-option prefix
    }

    [Fact]
    public void CommandLineOverridesAreAppendedSoTheyWin()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("demo.cfg", Demo);
        var (exit, stdout, _) = xl.Run("-N", "create", cfg, "memory=512", "vcpus=2", "name=\"other\"");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(512, json.RootElement.GetProperty("memory").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("vcpus").GetInt32());
        Assert.Equal("other", json.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void DevNullReadsTheConfigFromTheCommandLineOnly()
    {
        using var xl = new XlRunner();
        var (exit, stdout, stderr) = xl.Run("-N", "create", "/dev/null", "name='cli'", "kernel='/k'");
        Assert.Equal(0, exit);
        Assert.Equal("Parsing config from /dev/null\n", stderr);
        Assert.Contains("\"name\": \"cli\"", stdout);
    }

    [Fact]
    public void FileAfterOptionsAndDefconfig()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("demo.cfg", Demo);
        Assert.Equal(0, xl.Run("-N", "create", "-q", cfg).Exit);
        Assert.Equal(0, xl.Run("-N", "create", "-f", cfg).Exit);
        Assert.Equal(0, xl.Run("-N", "create", $"--defconfig={cfg}").Exit);
    }

    [Fact]
    public void QuietDropsTheParsingLine()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("demo.cfg", Demo);
        var (exit, _, stderr) = xl.Run("-N", "create", "-q", cfg);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void MissingFile()
    {
        using var xl = new XlRunner();
        var missing = Path.Combine(xl.Root, "nope.cfg");
        var (exit, stdout, stderr) = xl.Run("-N", "create", missing);
        Assert.Equal(3, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"Failed to read config file: {missing}: No such file or directory\n", stderr);
    }

    [Fact]
    public void DirectoryInsteadOfFile()
    {
        using var xl = new XlRunner();
        var (exit, _, stderr) = xl.Run("-N", "create", xl.Root);
        Assert.Equal(3, exit);
        Assert.Equal($"Failed to read config file: {xl.Root}: Is a directory\n", stderr);
    }

    [Fact]
    public void NoFileAtAll()
    {
        using var xl = new XlRunner();
        var (exit, _, stderr) = xl.Run("-N", "create");
        Assert.Equal(6, exit);
        Assert.Equal("Config file not specified and none in save file\n", stderr);
    }

    [Fact]
    public void ParseErrorsAreReportedLikeXl()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("bad.cfg", "name = \"x\"\nmemory = 256 512\nvcpus = 2\n");
        var (exit, stdout, stderr) = xl.Run("-N", "create", cfg);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n');
        Assert.Equal($"Parsing config from {cfg}", lines[0]);
        Assert.StartsWith($"{cfg}:2: config parsing error near `512': ", lines[1]);
        Assert.Equal("Failed to parse config: Invalid argument", lines[^2]);
    }

    [Fact]
    public void PythonLookingConfigGetsTheWarning()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("py.cfg", "name = \"x\"\nmemory = 2 + 2\n");
        var (exit, _, stderr) = xl.Run("-N", "create", cfg);
        Assert.Equal(1, exit);
        Assert.Contains("warning: Config file looks like it contains Python code.\n", stderr);
        Assert.EndsWith("Failed to parse config: Invalid argument\n", stderr);
    }

    [Fact]
    public void DomainErrorsKeepXlsTextAndStatus()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("nok.cfg", "name = \"x\"\n");
        var (exit, stdout, stderr) = xl.Run("-N", "create", cfg);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"Parsing config from {cfg}\nNeither kernel nor bootloader specified\n", stderr);
    }

    [Fact]
    public void UnsupportedOption()
    {
        using var xl = new XlRunner();
        var (exit, _, stderr) = xl.Run("create", "-x", "a.cfg");
        Assert.Equal(2, exit);
        Assert.Equal("option `x' not supported.\n", stderr);
    }

    [Fact]
    public void TwoFileNamesPrintUsage()
    {
        using var xl = new XlRunner();
        var (exit, stdout, _) = xl.Run("create", "a.cfg", "b.cfg");
        Assert.Equal(2, exit);
        Assert.StartsWith("Usage: xl [-vtTfN] create <ConfigFile> [options] [vars]\n\nCreate a domain from config file <filename>.\n\n", stdout);
    }

    [Fact]
    public void HostXlConfIsApplied()
    {
        using var xl = new XlRunner();
        xl.WriteXlConf("vif.default.bridge = \"br-host\"\naccel = \"tcg\"\n");
        var cfg = xl.WriteFile("demo.cfg", Demo + "vif = [ '' ]\n");
        var (exit, stdout, _) = xl.Run("-N", "create", cfg);
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("br-host", json.RootElement.GetProperty("vifs")[0].GetProperty("bridge").GetString());
        Assert.Equal("tcg", json.RootElement.GetProperty("accel").GetString());
    }

    [Fact]
    public void BrokenXlConfStopsEveryCommand()
    {
        using var xl = new XlRunner();
        xl.WriteXlConf("lockfile = \n");
        var cfg = xl.WriteFile("demo.cfg", Demo);
        var (exit, _, stderr) = xl.Run("-N", "create", cfg);
        Assert.Equal(1, exit);
        Assert.EndsWith("Failed to parse config file: Invalid argument\n", stderr);
        // libxlutil reports an error at a line's end on line 0 (checked against the oracle).
        Assert.StartsWith(Path.Combine(xl.Prefix, "etc/xeno/xl.conf") + ":0: config parsing error near <newline>: ", stderr);
    }

    [Fact]
    public void WithoutDryRunTheMissingDaemonIsNamed()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("demo.cfg", Demo);
        var (exit, _, stderr) = xl.Run("create", cfg);
        Assert.Equal(3, exit);
        Assert.Contains($"no xenod is running for prefix {xl.Prefix}", stderr);
    }

    [Fact]
    public void VerboseNamesUnknownOptionsWhichXlOtherwiseIgnores()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("demo.cfg", Demo + "dhcp = 'dhcp'\nmemroy = 512\n");
        var quiet = xl.Run("-N", "create", cfg);
        Assert.Equal(0, quiet.Exit);
        Assert.Equal($"Parsing config from {cfg}\n", quiet.Err);
        var (exit, _, stderr) = xl.Run("-v", "-N", "create", cfg);
        Assert.Equal(0, exit);
        Assert.Equal($"Parsing config from {cfg}\n" +
                     $"xl: warning: {cfg}: unknown option `dhcp' ignored\n" +
                     $"xl: warning: {cfg}: unknown option `memroy' ignored\n", stderr);
    }
}
