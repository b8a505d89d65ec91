namespace Xeno.Panel.Tests.Web;

public sealed class ConfigurationTests : IDisposable
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("xpc-").FullName;

    public void Dispose() => Directory.Delete(_prefix, recursive: true);

    [Fact]
    public void PanelJsonUnderThePrefixAndTheCommandLineAreRead()
    {
        Directory.CreateDirectory(Path.Combine(_prefix, "etc/xeno"));
        File.WriteAllText(Path.Combine(_prefix, "etc/xeno/panel.json"), """
            { "Panel": {
                "Kernels": [ { "Name": "deb", "Kernel": "/k/vmlinuz", "Ramdisk": "/k/initrd", "Extra": "console=hvc0" } ],
                "DefaultQuota": { "MaxVms": 2, "MaxMemoryMib": 1024, "MaxVcpus": 3, "MaxDiskGib": 20 },
                "LoginWindow": "00:05:00" } }
            """);
        var o = PanelConfiguration.Read(["--prefix", _prefix, "--Panel:LoginAttemptsPerWindow=7", "--urls", "http://127.0.0.1:1"]);
        Assert.Equal(_prefix, o.Prefix);
        Assert.Equal(Path.Combine(_prefix, "var/lib/xeno/panel.db"), o.DatabasePath);
        Assert.Equal(Path.Combine(_prefix, "run/xeno/xenod.sock"), o.SocketPath);
        Assert.Equal(new KernelChoice { Name = "deb", Kernel = "/k/vmlinuz", Ramdisk = "/k/initrd", Extra = "console=hvc0" }, Assert.Single(o.Kernels));
        Assert.Equal(new Quota(2, 1024, 3, 20), o.DefaultQuota);
        Assert.Equal(TimeSpan.FromMinutes(5), o.LoginWindow);
        Assert.Equal(7, o.LoginAttemptsPerWindow);
        Assert.Equal(["NAME"], PanelConfiguration.Positional(["--prefix", _prefix, "NAME"]));
    }

    [Fact]
    public void AKernelTheXlCfgCannotCarryStopsThePanelAtStart()
    {
        var o = new PanelOptions { Kernels = [new() { Name = "bad", Kernel = "vmlinuz\"" }] };
        var problems = PanelOptionsCheck.Problems(o);
        Assert.Contains("Panel:Kernels: Kernel of bad holds a quote, backslash or line break", problems);
        Assert.Contains("Panel:Kernels: Kernel of bad must be an absolute path", problems);
        Assert.Throws<InvalidOperationException>(() => PanelOptionsCheck.ThrowIfInvalid(o));
    }
}
