using System.Text;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Bootloader;
using Xeno.Engine.Tests.Support;
using Xeno.Engine.Tests.Unit;

namespace Xeno.Engine.Tests.Bootloader;

/// <summary>
/// The bootloader step on real disk images (no QEMU): which entry, which files, which command
/// line, where the copies go, and the errors for disks that give nothing to boot.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PygrubBootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xbl-").FullName;
    private readonly GuestKit _kit = GuestKit.Get();
    private readonly EngineLog _log = new(null, TimeProvider.System);
    private readonly PygrubBoot _boot;

    public PygrubBootTests() => _boot = new PygrubBoot(Path.Combine(_dir, "log"), _log);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string RunDir(int domid) => Path.Combine(_dir, "run", "d" + domid);

    private string KitImage(int defaultEntry = 0) =>
        BootImages.Ext4(Path.Combine(_dir, $"kit{defaultEntry}.img"), BootImages.KitGrubCfg(defaultEntry), _kit);

    private static DomainSpec Spec(string disk, string more = "", string type = "pv") =>
        Specs.From($"name=\"g\"\ntype=\"{type}\"\nmemory=64\nbootloader=\"pygrub\"\ndisk=['{disk}']\n{more}");

    [Fact]
    public void TheDefaultEntryIsExtractedAndExtraIsAppendedToItsArguments()
    {
        var image = KitImage();
        var spec = Spec($"{image},raw,xvda,ro", "extra=\"xeno.action=shell\"\n");
        var booted = _boot.Prepare(spec, 7, RunDir(7));

        var bootDir = Path.Combine(RunDir(7), "boot");
        Assert.Equal(Path.Combine(bootDir, "kernel"), booted.Kernel);
        Assert.Equal(Path.Combine(bootDir, "ramdisk"), booted.Ramdisk);
        Assert.Equal("console=hvc0 xeno.action=shell", booted.Cmdline);
        Assert.Null(booted.Bootloader);
        Assert.Empty(booted.BootloaderArgs);
        Assert.Equal(File.ReadAllBytes(_kit.Vmlinuz), File.ReadAllBytes(booted.Kernel!));
        Assert.Equal(File.ReadAllBytes(_kit.Initrd), File.ReadAllBytes(booted.Ramdisk!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(booted.Kernel!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(booted.Ramdisk!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(bootDir));
        // Everything else stays as configured.
        Assert.Equal(spec with { Kernel = booted.Kernel, Ramdisk = booted.Ramdisk, Cmdline = booted.Cmdline, Bootloader = null, BootloaderArgs = [] }, booted);

        var log = File.ReadAllText(_boot.LogFile(7));
        Assert.Contains("  bootloader arg: --args=xeno.action=shell\n", log, StringComparison.Ordinal);
        Assert.Contains($"  bootloader arg: {image}\n", log, StringComparison.Ordinal);
        Assert.Contains("Using <class 'grub.GrubConf.Grub2ConfigFile'> to parse /boot/grub/grub.cfg\n", log, StringComparison.Ordinal);
        Assert.Contains(_log.Recent(), l => l.Contains("pygrub on " + image + ": entry 0 \"Xeno test guest\" of /boot/grub/grub.cfg", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutExtraTheCommandLineIsTheEntrys()
    {
        var booted = _boot.Prepare(Spec($"{KitImage()},raw,xvda,ro"), 1, RunDir(1));
        Assert.Equal("console=hvc0", booted.Cmdline);
    }

    [Theory]
    [InlineData("--entry=1")]
    [InlineData("--entry=Xeno test guest (power off at once)")]
    public void EntryChoosesByNumberOrTitle(string entry)
    {
        var booted = _boot.Prepare(Spec($"{KitImage()},raw,xvda,ro", $"bootloader_args=['{entry}']\n"), 2, RunDir(2));
        Assert.Equal("console=hvc0 xeno.action=poweroff", booted.Cmdline);
    }

    [Fact]
    public void TheGuestsOwnDefaultIsFollowed()
    {
        var booted = _boot.Prepare(Spec($"{KitImage(defaultEntry: 1)},raw,xvda,ro"), 2, RunDir(2));
        Assert.Equal("console=hvc0 xeno.action=poweroff", booted.Cmdline);
    }

    [Fact]
    public void KernelAndRamdiskInTheConfigNameFilesInsideTheGuest()
    {
        var spec = Spec($"{KitImage()},raw,xvda,ro", "kernel=\"/boot/initrd.img\"\nramdisk=\"/boot/vmlinuz\"\nextra=\"only these\"\n");
        var booted = _boot.Prepare(spec, 3, RunDir(3));
        // pygrub skips the menu with --kernel and uses --args alone.
        Assert.Equal("only these", booted.Cmdline);
        Assert.Equal(File.ReadAllBytes(_kit.Initrd), File.ReadAllBytes(booted.Kernel!));
        Assert.Equal(File.ReadAllBytes(_kit.Vmlinuz), File.ReadAllBytes(booted.Ramdisk!));
    }

    [Fact]
    public void ArgsAndExtraArgsInBootloaderArgsShapeTheCommandLine()
    {
        var spec = Spec($"{KitImage()},raw,xvda,ro", "extra=\"from-extra\"\nbootloader_args=['--args=replaced', '--extra_args=last']\n");
        Assert.Equal("console=hvc0 replaced last", _boot.Prepare(spec, 3, RunDir(3)).Cmdline);
    }

    [Fact]
    public void AQcow2OverlayIsReadThroughToItsBackingFile()
    {
        var overlay = BootImages.Qcow2Overlay(Path.Combine(_dir, "over.qcow2"), KitImage());
        var booted = _boot.Prepare(Spec($"{overlay},qcow2,xvda,rw", "extra=\"x=1\"\n"), 4, RunDir(4));
        Assert.Equal("console=hvc0 x=1", booted.Cmdline);
        Assert.Equal(File.ReadAllBytes(_kit.Vmlinuz), File.ReadAllBytes(booted.Kernel!));
    }

    [Fact]
    public void ARawDiskIsReadAsRawEvenWhenItStartsLikeQcow2()
    {
        // The guest owns a raw disk's bytes: a qcow2 header there must not make xenod open its "backing file".
        var overlay = BootImages.Qcow2Overlay(Path.Combine(_dir, "looks.qcow2"), KitImage());
        var e = Assert.Throws<EngineException>(() => _boot.Prepare(Spec($"{overlay},raw,xvda,rw"), 5, RunDir(5)));
        Assert.StartsWith(
            $"libxl: error: Domain 5:bootloader failed - consult logfile {_boot.LogFile(5)}\n" +
            $"pygrub: {overlay}: Unable to find partition containing kernel (offset 0: no filesystem: unknown contents (first bytes 514649FB",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADiskWithoutABootConfigIsNamedInTheError()
    {
        var image = BootImages.Ext4(Path.Combine(_dir, "nocfg.img"), null, _kit);
        var e = Assert.Throws<EngineException>(() => _boot.Prepare(Spec($"{image},raw,xvda,ro"), 6, RunDir(6)));
        Assert.Equal(EngineErrorKind.Invalid, e.Kind);
        Assert.Equal(
            $"libxl: error: Domain 6:bootloader failed - consult logfile {_boot.LogFile(6)}\n" +
            $"pygrub: {image}: Unable to find partition containing kernel (offset 0: couldn't find bootloader config file in the image provided.)",
            e.Message);
        Assert.False(Directory.Exists(Path.Combine(RunDir(6), "boot")));
        // The log ends as Xen's pygrub's output does, after the reason for each partition tried.
        Assert.EndsWith("offset 0: couldn't find bootloader config file in the image provided.\nRuntimeError: Unable to find partition containing kernel\n",
            File.ReadAllText(_boot.LogFile(6)), StringComparison.Ordinal);
    }

    [Fact]
    public void AKernelMissingFromTheGuestIsNamed()
    {
        var image = BootImages.Ext4With(Path.Combine(_dir, "nok.img"), new Dictionary<string, byte[]>
        {
            ["boot/grub/grub.cfg"] = Encoding.ASCII.GetBytes("menuentry 'gone' {\n linux /boot/vmlinuz-gone root=/dev/xvda\n}\n"),
        });
        var e = Assert.Throws<EngineException>(() => _boot.Prepare(Spec($"{image},raw,xvda,ro"), 8, RunDir(8)));
        Assert.EndsWith($"\npygrub: {image}: /boot/vmlinuz-gone: no such file in the guest filesystem", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("\nError opening /boot/vmlinuz-gone in guest\n", File.ReadAllText(_boot.LogFile(8)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(RunDir(8), "boot")));
    }

    [Fact]
    public void Qcow2FormatOnARawFileIsRefused()
    {
        var image = KitImage();
        var e = Assert.Throws<EngineException>(() => _boot.Prepare(Spec($"{image},qcow2,xvda,ro"), 9, RunDir(9)));
        Assert.EndsWith($"\npygrub: {image}: format=qcow2, but the file is not a qcow2 image", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoDiskAndOtherBootloadersAreRefused()
    {
        var nodisk = Specs.From("name=\"g\"\ntype=\"pv\"\nmemory=64\nbootloader=\"pygrub\"\n");
        Assert.Equal("libxl: error: Domain 3:cannot run bootloader with no boot disk",
            Assert.Throws<EngineException>(() => _boot.Prepare(nodisk, 3, RunDir(3))).Message);
        var other = Specs.From("name=\"g\"\ntype=\"pv\"\nmemory=64\nbootloader=\"/usr/bin/pv-grub\"\ndisk=['/d.img,raw,xvda,rw']\n");
        Assert.Equal("domain \"g\": bootloader \"/usr/bin/pv-grub\" is not supported: xenod runs pygrub only",
            Assert.Throws<EngineException>(() => _boot.Prepare(other, 3, RunDir(3))).Message);
    }

    [Fact]
    public void HvmAndKernelDomainsAreLeftAlone()
    {
        var hvm = Specs.From("name=\"h\"\ntype=\"hvm\"\nmemory=64\nbootloader=\"foo\"\ndisk=['/d.img,raw,hda,rw']\n");
        Assert.Same(hvm, _boot.Prepare(hvm, 1, RunDir(1)));
        var direct = Specs.From("name=\"k\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\n");
        Assert.Same(direct, _boot.Prepare(direct, 1, RunDir(1)));
        Assert.False(Directory.Exists(RunDir(1)));
    }

    [Fact]
    public void MutatedDisksGiveAKernelOrABootloaderError()
    {
        var image = BootImages.Ext4With(Path.Combine(_dir, "fuzz.img"), new Dictionary<string, byte[]>
        {
            ["boot/grub/grub.cfg"] = Encoding.ASCII.GetBytes("set default=0\nmenuentry 'a' {\n linux /boot/k console=hvc0\n initrd /boot/i\n}\n"),
            ["boot/k"] = Encoding.ASCII.GetBytes(new string('k', 5000)),
            ["boot/i"] = Encoding.ASCII.GetBytes(new string('i', 300)),
        }, megabytes: 2);
        var original = File.ReadAllBytes(image);
        var rng = new Random(20261121);
        int rounds = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 5000 : 400;
        int booted = 0;
        for (int round = 0; round < rounds; round++)
        {
            var bytes = (byte[])original.Clone();
            int flips = rng.Next(1, 40);
            for (int i = 0; i < flips; i++)
                bytes[rng.Next(0, 64 * 1024)] = (byte)rng.Next(256);
            File.WriteAllBytes(image, bytes);
            try
            {
                var spec = _boot.Prepare(Spec($"{image},raw,xvda,ro"), round, RunDir(round));
                Assert.True(File.Exists(spec.Kernel));
                Assert.True(new FileInfo(spec.Kernel!).Length <= 128L << 20);
                booted++;
            }
            catch (EngineException e)
            {
                Assert.StartsWith($"libxl: error: Domain {round}:bootloader failed - consult logfile ", e.Message, StringComparison.Ordinal);
            }
            if (Directory.Exists(RunDir(round)))
                Directory.Delete(RunDir(round), recursive: true);
        }
        Assert.True(booted > 0, "no mutated image booted at all: the mutations are too strong to test anything");
    }
}
