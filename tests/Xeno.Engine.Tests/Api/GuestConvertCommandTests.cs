using Xeno.Engine.Tests.RealGuests;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// xl guest-convert as xenod's client (POST /v1/guests/convert) on small real ext4 images
/// (mkfs.ext4 -d, no mount): its dry run, and every refusal that comes before a helper starts,
/// in xl's words; none changes the disk. No guest boots: conversions through the helper are in
/// GuestConvertRouteTests, RealGuests/GuestConvertHelperTests and GuestConversionTests.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestConvertCommandTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private string Ext4(string name, Dictionary<string, string> files) => GuestConvertHelperTests.Ext4(_x.Root, name, files, tools: false);

    [Fact]
    public void ADryRunPrintsThePlanAndChangesNothing()
    {
        var image = Ext4("legacy", GuestConvertHelperTests.LegacyPv);
        var original = File.ReadAllBytes(image);

        var dry = _x.Xl("guest-convert", "-n", image, "hvm");
        Assert.Equal((0, ""), (dry.Exit, dry.Err));
        Assert.StartsWith("Debian 5.0.10 on the whole disk (ext4); boot: /boot/grub/menu.lst; gettys: sysvinit\n", dry.Out);
        Assert.Contains("-\tkernel /boot/vmlinuz-2.6.26-2-xen-amd64 root=/dev/xvda1 ro console=hvc0\n+\tkernel /boot/vmlinuz-2.6.26-2-xen-amd64 root=/dev/xvda1 ro console=ttyS0,115200n8\n", dry.Out);
        Assert.Contains("-hvc0:2345:respawn:/sbin/getty 38400 hvc0\n+T0:2345:respawn:/sbin/getty 38400 ttyS0\n", dry.Out);
        // The whole-disk filesystem has no partition: the fstab line has no UUID to take and stays.
        Assert.Contains("note: /etc/fstab: /dev/xvda1 is named differently under pv and hvm and its UUID is unknown; left as it is\n", dry.Out);
        Assert.DoesNotContain("converted for", dry.Out);
        Assert.Equal(original, File.ReadAllBytes(image));
        // qcow2 is read as well (the helper guest writes it through QEMU).
        var qcow2 = Path.Combine(_x.Root, "legacy.qcow2");
        GuestConvertHelperTests.Run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", image, qcow2);
        Assert.Equal(dry, _x.Xl("guest-convert", "-n", qcow2, "hvm"));
    }

    [Fact]
    public void DisksItCannotConvertAreRefusedAndLeftAlone()
    {
        var empty = Ext4("empty", new() { ["/boot/vmlinuz"] = "x" });
        var before = File.ReadAllBytes(empty);
        Assert.Equal((1, "", $"guest-convert: {empty}: no recognisable Linux system on the disk: no filesystem holds /etc/fstab\n"),
            _x.Xl("guest-convert", empty, "hvm"));
        var noBoot = Ext4("noboot", new() { ["/etc/fstab"] = "", ["/etc/os-release"] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n" });
        Assert.StartsWith($"guest-convert: {noBoot}: Debian GNU/Linux 12 (bookworm): no boot configuration found", _x.Xl("guest-convert", noBoot, "pv").Err);

        var legacy = Ext4("legacy", GuestConvertHelperTests.LegacyPv);
        var original = File.ReadAllBytes(legacy);
        // A BIOS bootloader is for hvm, and needs room before a partition.
        Assert.Equal((1, "", $"guest-convert: {legacy}: a BIOS bootloader is for hvm guests (pv boots through pygrub): nothing changed\n"),
            _x.Xl("guest-convert", "-B", legacy, "pv"));
        Assert.Equal((1, "", $"guest-convert: {legacy}: the filesystem fills the whole disk, with no room for a BIOS bootloader: nothing changed\n"),
            _x.Xl("guest-convert", "--install-bootloader", legacy, "hvm"));
        // The helper's kernel and initramfs (the guest kit's; xenod's defaults under its prefix) are looked for before anything starts.
        Assert.Equal((1, "", $"guest-convert: {legacy}: no helper kernel at {Path.Combine(_x.Prefix, "usr/lib/xeno/rescue/vmlinuz")} (the guest kit's vmlinuz and rescue-initrd.img): nothing changed\n"),
            _x.Xl("guest-convert", legacy, "hvm"));
        var kernel = _x.WriteConfig("k", "");
        Assert.Equal((1, "", $"guest-convert: {legacy}: no helper initramfs at {Path.Combine(_x.Root, "nothing")} (the guest kit's vmlinuz and rescue-initrd.img): nothing changed\n"),
            _x.Xl("guest-convert", "-k", kernel, "-r", Path.Combine(_x.Root, "nothing"), legacy, "hvm"));
        File.SetUnixFileMode(legacy, UnixFileMode.UserRead);
        Assert.Equal((1, $"guest-convert: {legacy}: the image is read-only (no write permission): nothing changed\n"),
            (_x.Xl("guest-convert", legacy, "hvm").Exit, _x.Xl("guest-convert", legacy, "hvm").Err));
        File.SetUnixFileMode(legacy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory(Path.Combine(_x.Root, "full"));
        File.WriteAllText(Path.Combine(_x.Root, "full", "x"), "");
        Assert.Contains("is not empty: nothing changed", _x.Xl("guest-convert", "-b", Path.Combine(_x.Root, "full"), legacy, "hvm").Err);
        Assert.Equal(before, File.ReadAllBytes(empty));
        Assert.Equal(original, File.ReadAllBytes(legacy));
    }
}
