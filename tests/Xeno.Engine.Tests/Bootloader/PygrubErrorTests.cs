using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader;

/// <summary>bootloader= configs that cannot boot: xl create's words and status, and nothing left behind.</summary>
public sealed class PygrubErrorTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private (int Exit, string Out, string Err) Create(string name, string text) => _x.Xl("create", "-q", _x.WriteConfig(name + ".cfg", text));

    private void NothingLeft()
    {
        Assert.Equal(["Domain-0"], _x.ListNames());
        Assert.False(Directory.Exists(Path.Combine(_x.Prefix, "run/xeno/d1")));
    }

    [Fact]
    public void ADiskWithoutAGrubConfigFailsNamingTheDiskAndTheLog()
    {
        var image = BootImages.Ext4(Path.Combine(_x.Root, "empty.img"), null, _x.Kit);
        var r = Create("nocfg", $"name=\"nc\"\ntype=\"pv\"\nmemory=128\nbootloader=\"pygrub\"\ndisk=['{image},raw,xvda,ro']\n");
        var log = Path.Combine(_x.Prefix, "var/log/xeno/bootloader.1.log");
        Assert.Equal((3, "",
            $"libxl: error: Domain 1:bootloader failed - consult logfile {log}\n" +
            $"pygrub: {image}: Unable to find partition containing kernel (offset 0: couldn't find bootloader config file in the image provided.)\n" +
            "libxl: error: Domain nc:cannot (re-)build domain: -3\n"), r);
        Assert.Contains($"  bootloader arg: {image}\n", File.ReadAllText(log), StringComparison.Ordinal);
        NothingLeft();
    }

    [Fact]
    public void ACorruptDiskFailsTheSameWay()
    {
        var image = Path.Combine(_x.Root, "noise.img");
        var noise = new byte[4 << 20];
        new Random(5).NextBytes(noise);
        File.WriteAllBytes(image, noise);
        var r = Create("noise", $"name=\"nz\"\ntype=\"pvh\"\nmemory=128\nbootloader=\"/usr/lib/xen-4.17/bin/pygrub\"\ndisk=['{image},raw,xvda,ro']\n");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith($"libxl: error: Domain 1:bootloader failed - consult logfile {_x.Prefix}/var/log/xeno/bootloader.1.log\n" +
                          $"pygrub: {image}: Unable to find partition containing kernel (offset 0: ", r.Err, StringComparison.Ordinal);
        Assert.EndsWith(")\nlibxl: error: Domain nz:cannot (re-)build domain: -3\n", r.Err, StringComparison.Ordinal);
        NothingLeft();
    }

    [Fact]
    public void FailuresAfterExtractionLeaveNoCopiesBehind()
    {
        // The entry names a file that is not there; then a pvh entry whose "kernel" is the initrd.
        var image = BootImages.Ext4(Path.Combine(_x.Root, "odd.img"),
            "menuentry 'gone' {\n linux /boot/vmlinuz-gone\n}\nmenuentry 'initrd as kernel' {\n linux /boot/initrd.img\n}\n", _x.Kit);
        var gone = Create("gone", $"name=\"gk\"\ntype=\"pv\"\nmemory=128\nbootloader=\"pygrub\"\ndisk=['{image},raw,xvda,ro']\n");
        Assert.Equal((3, "",
            $"libxl: error: Domain 1:bootloader failed - consult logfile {_x.Prefix}/var/log/xeno/bootloader.1.log\n" +
            $"pygrub: {image}: /boot/vmlinuz-gone: no such file in the guest filesystem\n" +
            "libxl: error: Domain gk:cannot (re-)build domain: -3\n"), gone);
        NothingLeft();
        var pvh = Create("pvhbad", $"name=\"pb\"\ntype=\"pvh\"\nmemory=128\nbootloader=\"pygrub\"\ndisk=['{image},raw,xvda,ro']\nbootloader_args=['--entry=1']\n");
        Assert.Equal((3, "",
            $"pvh: kernel {_x.Prefix}/run/xeno/d2/boot/kernel: not a Linux kernel: neither an ELF file nor a bzImage (no \"HdrS\" boot header)\n" +
            "libxl: error: Domain pb:cannot (re-)build domain: -3\n"), pvh);
        Assert.False(Directory.Exists(Path.Combine(_x.Prefix, "run/xeno/d2")));
    }

    [Fact]
    public void OtherBootloadersAreRefusedByName()
    {
        var r = Create("foo", "name=\"ub\"\ntype=\"pv\"\nmemory=128\nbootloader=\"foo\"\ndisk=['/nonexistent-is-not-checked-first.img,raw,xvda,ro']\n");
        Assert.Equal(3, r.Exit);
        // The disk is checked before the bootloader runs, as libxl attaches it first.
        Assert.Equal("libxl: error: Disk vdev=xvda failed to stat: /nonexistent-is-not-checked-first.img: No such file or directory\n" +
                     "libxl: error: Domain ub:cannot (re-)build domain: -3\n", r.Err);
        var image = BootImages.Ext4(Path.Combine(_x.Root, "some.img"), BootImages.KitGrubCfg(), _x.Kit);
        Assert.Equal((3, "", "domain \"ub\": bootloader \"foo\" is not supported: xenod runs pygrub only\n" +
                             "libxl: error: Domain ub:cannot (re-)build domain: -3\n"),
            Create("foo2", $"name=\"ub\"\ntype=\"pv\"\nmemory=128\nbootloader=\"foo\"\ndisk=['{image},raw,xvda,ro']\n"));
        NothingLeft();
    }

    [Fact]
    public void NoDiskAndBadBootloaderArgsAreReportedAsLibxlAndPygrubDo()
    {
        Assert.Equal((3, "", "libxl: error: Domain 1:cannot run bootloader with no boot disk\n" +
                             "libxl: error: Domain nd:cannot (re-)build domain: -3\n"),
            Create("nodisk", "name=\"nd\"\ntype=\"pv\"\nmemory=128\nbootloader=\"pygrub\"\n"));
        var image = BootImages.Ext4(Path.Combine(_x.Root, "args.img"), BootImages.KitGrubCfg(), _x.Kit);
        var r = Create("badargs", $"name=\"ba\"\ntype=\"pv\"\nmemory=128\nbootloader=\"pygrub\"\ndisk=['{image},raw,xvda,ro']\nbootloader_args=['--bogus']\n");
        Assert.Equal((3, "",
            $"libxl: error: Domain 2:bootloader failed - consult logfile {_x.Prefix}/var/log/xeno/bootloader.2.log\n" +
            $"pygrub: {image}: pygrub exited with status 1: Usage: pygrub [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] " +
            "[--output=] [--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>\n" +
            "libxl: error: Domain ba:cannot (re-)build domain: -3\n"), r);
        var entry = Create("badentry", $"name=\"be\"\ntype=\"pv\"\nmemory=128\nbootloader=\"pygrub\"\ndisk=['{image},raw,xvda,ro']\nbootloader_args=['--entry=9']\n");
        // pygrub falls back to the default entry for an entry that does not exist; so does the boot.
        Assert.Equal((0, "", ""), entry);
        Assert.Equal((0, "", ""), _x.Xl("destroy", "be"));
    }

    [Fact]
    public void HvmIgnoresBootloaderAsLibxlDoes()
    {
        var cfg = _x.WriteConfig("hvm.cfg",
            $"name=\"hb\"\ntype=\"hvm\"\nmemory=128\nvnc=0\nbootloader=\"pygrub\"\ndisk=['{_x.Kit.BootIso},raw,hdc,ro,devtype=cdrom']\n");
        Assert.Equal((0, "", ""), _x.Xl("create", "-q", "-p", cfg));
        Assert.Equal((0, "", ""), _x.Xl("destroy", "hb"));
        Assert.False(File.Exists(Path.Combine(_x.Prefix, "var/log/xeno/bootloader.1.log")));
    }
}
