using Xeno.Config.Domain;
using Xeno.Config.Host;
using static Xeno.Config.Tests.Domain.DomainTestSupport;

namespace Xeno.Config.Tests.Domain;

/// <summary>xl's parse_config_data rules: defaults, fatal errors (text and exit status), warnings.</summary>
public class DomainRulesTests
{
    private const string Pv = "name='g'\nkernel='/k'\n";

    [Theory]
    [InlineData("", "Domain name must be specified.\n", 1)]
    [InlineData("name='g'\n", "Neither kernel nor bootloader specified\n", 1)]
    [InlineData("name='g'\ntype='pvh'\n", "Neither kernel nor bootloader specified\n", 1)]
    [InlineData("name='g'\ntype='xen'\n", "Invalid domain type xen.\n", 1)]
    [InlineData("name='g'\nbuilder='linux'\n", "Invalid domain type linux.\n", 1)]
    [InlineData("name='g'\ntype='pv'\nbuilder='hvm'\n", "Contradicting \"builder\" and \"type\" options specified.\n", 1)]
    [InlineData(Pv + "vcpus=4\nmaxvcpus=2\n", "xl: maxvcpus < vcpus\n", 1)]
    [InlineData(Pv + "on_crash='reboot'\n", "Unknown on_crash action \"reboot\" specified\n", 1)]
    [InlineData(Pv + "on_poweroff='Destroy'\n", "Unknown on_poweroff action \"Destroy\" specified\n", 1)]
    [InlineData(Pv + "on_reboot='halt'\n", "Unknown on_reboot action \"halt\" specified\n", 1)]
    [InlineData(Pv + "on_watchdog='x'\n", "Unknown on_watchdog action \"x\" specified\n", 1)]
    [InlineData(Pv + "on_soft_reset='x'\n", "Unknown on_soft_reset action \"x\" specified\n", 1)]
    [InlineData(Pv + "uuid='not-a-uuid'\n", "Failed to parse UUID: not-a-uuid\n", 1)]
    [InlineData(Pv + "uuid='0123456789abcdef0123456789abcdef'\n", "Failed to parse UUID: 0123456789abcdef0123456789abcdef\n", 1)]
    [InlineData(Pv + "timer_mode='no_missed_ticks_pending'\n", "ERROR: \"timer_mode\" option is not supported for PV guests.\n", 3)]
    [InlineData(Pv + "firmware='pvgrub64'\n", "ERROR: both kernel and firmware specified\n", 1)]
    [InlineData("name='g'\nfirmware='ovmf'\n", "ERROR: only pvgrub{32|64} supported as firmware options\n", 1)]
    [InlineData("name='g'\ntype='hvm'\nvga='vesa'\n", "Unknown vga \"vesa\" specified\n", 1)]
    [InlineData("name='g'\ntype='hvm'\nhdtype='scsi'\n", "ERROR: invalid value \"scsi\" for \"hdtype\"\n", 1)]
    [InlineData("name='g'\ntype='hvm'\nbios='coreboot'\n", "ERROR: invalid value \"coreboot\" for \"bios\"\n", 1)]
    [InlineData("name='g'\ntype='hvm'\nvnclisten='0.0.0.0:1'\nvncdisplay=2\n", "ERROR: Display specified both in vnclisten and vncdisplay!\n", 1)]
    [InlineData("name='g'\ntype='hvm'\ndevice_model_version='qemu-dm'\n", "Unknown device_model_version \"qemu-dm\" specified\n", 1)]
    [InlineData("name='g'\ntype='hvm'\nms_vm_genid='maybe'\n", "ERROR: \"ms_vm_genid\" option must be \"generate\" or \"none\"\n", 1)]
    [InlineData(Pv + "memory=512\nmaxmem=256\n", "xl: memory (512 MiB) is larger than maxmem (256 MiB)\n", 1)]
    [InlineData(Pv + "accel='hax'\n", "Unknown accel \"hax\" specified (expected auto, kvm or tcg)\n", 1)]
    [InlineData(Pv + "cpu_weight=70000\n", "xl: cpu_weight must be between 1 and 65535, not 70000\n", 1)]
    [InlineData(Pv + "cpu_weight=4294967552\n", "xl: cpu_weight must be between 1 and 65535, not 4294967552\n", 1)]
    [InlineData(Pv + "cap='-5'\n", "xl: cap must be between 0 and 2147483647, not -5\n", 1)]
    public void FatalErrors(string config, string stderr, int exit)
    {
        var result = Build(config);
        Assert.False(result.Ok);
        Assert.Equal(exit, result.ExitCode);
        Assert.Equal(stderr, Stderr(result));
    }

    [Theory]
    [InlineData("hvm", DomainKind.Hvm)]
    [InlineData("h", DomainKind.Hvm)]
    [InlineData("", DomainKind.Hvm)]   // xl's prefix match: the empty string matches "hvm" first
    [InlineData("p", DomainKind.Pv)]
    [InlineData("pv", DomainKind.Pv)]
    [InlineData("pvh", DomainKind.Pvh)]
    public void TypeIsMatchedAsPrefix(string type, DomainKind expected)
    {
        var d = BuildOk($"name='g'\nkernel='/k'\ntype='{type}'\n");
        Assert.Equal(expected, d.Kind);
    }

    [Theory]
    [InlineData("generic", DomainKind.Pv)]
    [InlineData("hvm", DomainKind.Hvm)]
    public void BuilderIsTheOldNameOfType(string builder, DomainKind expected)
    {
        Assert.Equal(expected, BuildOk($"name='g'\nkernel='/k'\nbuilder='{builder}'\n").Kind);
    }

    [Fact]
    public void DefaultsAreXens()
    {
        var d = BuildOk(Pv);
        Assert.Equal(DomainKind.Pv, d.Kind);
        Assert.Equal(32, d.MemoryMiB);
        Assert.Equal(32, d.MaxMemMiB);
        Assert.Equal(1, d.Vcpus);
        Assert.Equal(1, d.MaxVcpus);
        Assert.Equal(256, d.CpuWeight);
        Assert.Equal(0, d.Cap);
        Assert.Equal(ShutdownAction.Destroy, d.OnPoweroff);
        Assert.Equal(ShutdownAction.Restart, d.OnReboot);
        Assert.Equal(ShutdownAction.Destroy, d.OnWatchdog);
        Assert.Equal(ShutdownAction.Destroy, d.OnCrash);
        Assert.Equal(ShutdownAction.SoftReset, d.OnSoftReset);
        Assert.Null(d.CpuAffinity);
        Assert.Equal("auto", d.Accel);
        Assert.Null(d.Cmdline);
        Assert.Equal(4, d.Uuid.ToByteArray(bigEndian: true)[6] >> 4);
    }

    [Fact]
    public void HvmDefaults()
    {
        var d = BuildOk("name='g'\ntype='hvm'\n");
        Assert.Equal("cda", d.Hvm!.Boot);
        Assert.Equal("ide", d.Hvm.HdType);
        Assert.Equal("cirrus", d.Hvm.Vga);
        Assert.True(d.Hvm.Acpi && d.Hvm.Apic && d.Hvm.Pae && d.Hvm.Nx && d.Hvm.Hpet && d.Hvm.XenPlatformPci);
        Assert.True(d.Vnc.Enabled);
        Assert.Equal("127.0.0.1", d.Vnc.Listen);
        Assert.True(d.Vnc.FindUnused);
    }

    [Theory]
    [InlineData("memory=512\n", 512, 512)]
    [InlineData("maxmem=1024\n", 1024, 1024)]
    [InlineData("memory=256\nmaxmem=1024\n", 256, 1024)]
    [InlineData("memory='0x100'\n", 256, 256)]
    [InlineData("memory='0400'\n", 256, 256)]
    public void MemoryRules(string extra, long memory, long maxmem)
    {
        var d = BuildOk(Pv + extra);
        Assert.Equal(memory, d.MemoryMiB);
        Assert.Equal(maxmem, d.MaxMemMiB);
    }

    [Theory]
    [InlineData("vcpus=3\n", 3, 3)]
    [InlineData("vcpus=2\nmaxvcpus=4\n", 2, 4)]
    [InlineData("maxvcpus=4\n", 1, 4)]
    [InlineData("vcpus=0\n", 1, 1)]
    public void VcpuRules(string extra, int vcpus, int maxvcpus)
    {
        var d = BuildOk(Pv + extra);
        Assert.Equal(vcpus, d.Vcpus);
        Assert.Equal(maxvcpus, d.MaxVcpus);
    }

    [Theory]
    [InlineData("cmdline='a b'\n", "a b", "")]
    [InlineData("root='/dev/xvda1'\n", "root=/dev/xvda1", "")]
    [InlineData("extra='quiet'\n", "quiet", "")]
    [InlineData("root='/dev/xvda1'\nextra='ro quiet'\n", "root=/dev/xvda1 ro quiet", "")]
    [InlineData("cmdline='x'\nroot='/dev/sda'\n", "x", "Warning: ignoring root= and extra= in favour of cmdline=\n")]
    [InlineData("cmdline='x'\nextra='y'\n", "x", "Warning: ignoring root= and extra= in favour of cmdline=\n")]
    public void CommandLineFromCmdlineRootExtra(string extra, string cmdline, string stderr)
    {
        var result = Build(Pv + extra);
        Assert.True(result.Ok);
        Assert.Equal(cmdline, result.Spec!.Cmdline);
        Assert.Equal(stderr, Stderr(result));
    }

    [Fact]
    public void BootloaderArgsAsStringIsDeprecatedAndSplit()
    {
        var result = Build("name='g'\nbootloader='pygrub'\nbootloader_args='-q  --entry=1\t-n'\n");
        Assert.True(result.Ok);
        Assert.Equal(["-q", "--entry=1", "-n"], result.Spec!.BootloaderArgs);
        Assert.Equal("WARNING: Specifying \"bootloader_args\" as a string is deprecated. Please use a list of arguments.\n", Stderr(result));
    }

    [Fact]
    public void BootloaderArgsAsList()
    {
        var d = BuildOk("name='g'\nbootloader='pygrub'\nbootloader_args=['--entry=1', '-q']\n");
        Assert.Equal("pygrub", d.Bootloader);
        Assert.Equal(["--entry=1", "-q"], d.BootloaderArgs);
        Assert.Null(d.Kernel);
    }

    [Fact]
    public void PvgrubFirmwareBecomesKernel()
    {
        var d = BuildOk("name='g'\nfirmware='pvgrub64'\n");
        Assert.Equal("/usr/lib/xen/boot/pvgrub64.bin", d.Kernel);
    }

    [Theory]
    [InlineData("firmware='uefi'\n", "ovmf", null)]
    [InlineData("firmware='ovmf'\n", "ovmf", null)]
    [InlineData("firmware='bios'\n", "seabios", null)]
    [InlineData("firmware='/opt/fw.bin'\n", "seabios", "/opt/fw.bin")]
    [InlineData("bios='ovmf'\n", "ovmf", null)]
    public void HvmFirmwareShorthands(string extra, string bios, string? firmware)
    {
        var d = BuildOk("name='g'\ntype='hvm'\n" + extra);
        Assert.Equal(bios, d.Hvm!.Bios);
        Assert.Equal(firmware, d.Hvm.Firmware);
    }

    [Fact]
    public void StdvgaIsTheOldSpellingOfVga()
    {
        Assert.Equal("stdvga", BuildOk("name='g'\ntype='hvm'\nstdvga=1\n").Hvm!.Vga);
        Assert.Equal("cirrus", BuildOk("name='g'\ntype='hvm'\nstdvga=0\n").Hvm!.Vga);
    }

    [Fact]
    public void SerialAsStringOrList()
    {
        Assert.Equal(["pty"], BuildOk("name='g'\ntype='hvm'\nserial='pty'\n").Hvm!.Serial);
        Assert.Equal(["pty", "file:/tmp/s"], BuildOk("name='g'\ntype='hvm'\nserial=['pty', 'file:/tmp/s']\n").Hvm!.Serial);
    }

    [Fact]
    public void CpuAffinityStringAppliesToEveryVcpu()
    {
        var d = BuildOk(Pv + "vcpus=2\ncpus='0-3,^1'\n");
        Assert.Equal(2, d.CpuAffinity!.Count);
        Assert.All(d.CpuAffinity, s => Assert.Equal(new[] { 0, 2, 3 }, s.OrderBy(c => c)));
    }

    [Fact]
    public void CpuAffinityListIsPerVcpuAndExtraEntriesAreIgnored()
    {
        var d = BuildOk(Pv + "vcpus=2\ncpus=['2', '3', '1']\n");
        Assert.Equal(2, d.CpuAffinity!.Count);
        Assert.Equal(new[] { 2 }, d.CpuAffinity[0]);
        Assert.Equal(new[] { 3 }, d.CpuAffinity[1]);
    }

    [Fact]
    public void VncOnPvMakesAFramebuffer()
    {
        var d = BuildOk(Pv + "vnc=1\nvnclisten='0.0.0.0'\nvncdisplay=3\nvncpasswd='s3cret'\nkeymap='de'\n");
        Assert.True(d.Vnc.Enabled);
        Assert.Equal("0.0.0.0", d.Vnc.Listen);
        Assert.Equal(3, d.Vnc.Display);
        Assert.Equal("s3cret", d.Vnc.Password);
        Assert.Equal("de", d.Vnc.Keymap);
        Assert.False(BuildOk(Pv).Vnc.Enabled);
    }

    [Fact]
    public void VfbListOnPv()
    {
        var d = BuildOk(Pv + "vfb=['vnc=1,vnclisten=0.0.0.0,vncdisplay=7,vncunused=0']\n");
        Assert.True(d.Vnc.Enabled);
        Assert.Equal(7, d.Vnc.Display);
        Assert.False(d.Vnc.FindUnused);
    }

    [Fact]
    public void GlobalConfigSuppliesVifDefaultsAndAccel()
    {
        var global = GlobalConfig.Default with { VifBridge = "br-lan", VifScript = "vif-route", Accel = "tcg" };
        var d = BuildOk(Pv + "vif=['mac=00:16:3e:00:00:01', 'bridge=br1,script=vif-nat']\n", global);
        Assert.Equal("tcg", d.Accel);
        Assert.Equal(("br-lan", "vif-route"), (d.Vifs[0].Bridge, d.Vifs[0].Script));
        Assert.Equal(("br1", "vif-nat"), (d.Vifs[1].Bridge, d.Vifs[1].Script));
        Assert.Equal([0, 1], d.Vifs.Select(v => v.Devid));
        Assert.Equal("kvm", BuildOk(Pv + "accel='kvm'\n", global).Accel);
    }

    [Fact]
    public void RandomMacsAreXensAndFollowTheRandomSource()
    {
        var a = Build(Pv + "vif=['']\n", seed: 7).Spec!.Vifs[0].Mac;
        var b = Build(Pv + "vif=['']\n", seed: 7).Spec!.Vifs[0].Mac;
        Assert.Equal(a, b);
        Assert.Matches("^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$", a);
    }

    [Fact]
    public void UuidIsTakenAsGiven()
    {
        var d = BuildOk(Pv + "uuid='3F2504E0-4F89-11D3-9A0C-0305E82C3301'\n");
        Assert.Equal(Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), d.Uuid);
    }

    [Fact]
    public void BadVdevIsRefused()
    {
        var result = Build(Pv + "disk=['/img,raw,xvd1,rw']\n");
        Assert.False(result.Ok);
        Assert.EndsWith("Invalid or unsupported virtual disk identifier xvd1\n", Stderr(result));
    }

    [Fact]
    public void TscModeNumberIsDeprecated()
    {
        var result = Build(Pv + "tsc_mode=1\n");
        Assert.True(result.Ok);
        Assert.Equal("WARNING: specifying \"tsc_mode\" as an integer is deprecated. Please use the named parameter variant. e.g. tsc_mode=\"always_emulate\"\n",
            Stderr(result));
    }

    [Fact]
    public void Vif2IsWarnedAbout()
    {
        var result = Build(Pv + "vif2=['bridge=xenbr0']\n");
        Assert.Equal("WARNING: vif2: netchannel2 is deprecated and not supported by xl\n", Stderr(result));
    }

    [Fact]
    public void PciPassthroughIsRefusedClearly()
    {
        var result = Build(Pv + "pci=['0000:00:1f.2']\n");
        Assert.False(result.Ok);
        Assert.Equal("ERROR: PCI passthrough (\"pci\") is not supported by Xeno\n", Stderr(result));
    }

    [Fact]
    public void BadVifTokensAreReportedAndSkippedLikeXl()
    {
        var result = Build(Pv + "vif=['mac=zz,bridge=br1', 'colour=blue']\n");
        Assert.True(result.Ok, Stderr(result));
        Assert.Equal("Invalid parameter `mac'.\nunrecognized argument `colour=blue'\n", Stderr(result));
        Assert.Equal("br1", result.Spec!.Vifs[0].Bridge);
        Assert.StartsWith("00:16:3e:", result.Spec.Vifs[0].Mac);
        Assert.Equal(2, result.Spec.Vifs.Count);
    }

    [Fact]
    public void BadVifRateEndsCreate()
    {
        var result = Build(Pv + "vif=['rate=fast']\n");
        Assert.False(result.Ok);
        Assert.Equal(1, result.ExitCode);
        Assert.NotEmpty(result.Messages);
    }
}
