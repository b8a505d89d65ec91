using System.Diagnostics;

namespace Xeno.Cli.Tests.Guests;

/// <summary>
/// xl guest-convert's dry run on small real ext4 images (mkfs.ext4 -d, no mount) and its refusals,
/// which change nothing; xl guest-rescue's refusals. Conversions through the helper guest are in
/// Xeno.Engine.Tests (RealGuests/GuestConvertHelperTests, and GuestConversionTests for a whole
/// Debian system, booted).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestCommandTests
{
    private static void Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {err}");
    }

    /// <summary>An 8 MiB ext4 filesystem image (no partition table) holding <paramref name="files"/>.</summary>
    private static string Ext4(XlRunner xl, string name, Dictionary<string, string> files)
    {
        var tree = Path.Combine(xl.Root, name + ".d");
        foreach (var (path, text) in files) xl.WriteFile(Path.Combine(name + ".d", path.TrimStart('/')), text);
        Directory.CreateDirectory(tree);
        var image = Path.Combine(xl.Root, name + ".img");
        Run("mkfs.ext4", "-q", "-F", "-U", "3753345f-b8cc-4771-81e9-de6a66e2af79", "-d", tree, image, "8M");
        return image;
    }

    private static readonly Dictionary<string, string> LegacyPv = new()
    {
        ["/etc/debian_version"] = "5.0.10\n",
        ["/boot/grub/menu.lst"] = "splashimage=(hd0,0)/boot/grub/splash.xpm.gz\ntitle Debian\n\tkernel /boot/vmlinuz-2.6.26-2-xen-amd64 root=/dev/xvda1 ro console=hvc0\n",
        ["/etc/fstab"] = "/dev/xvda1 / ext3 defaults 0 1\n",
        ["/etc/inittab"] = "id:2:initdefault:\nhvc0:2345:respawn:/sbin/getty 38400 hvc0\n",
    };

    [Fact]
    public void ADryRunPrintsThePlanAndChangesNothing()
    {
        using var xl = new XlRunner();
        var image = Ext4(xl, "legacy", LegacyPv);
        var original = File.ReadAllBytes(image);

        var dry = xl.Run("guest-convert", "-n", image, "hvm");
        Assert.Equal((0, ""), (dry.Exit, dry.Err));
        Assert.StartsWith("Debian 5.0.10 on the whole disk (ext4); boot: /boot/grub/menu.lst; gettys: sysvinit\n", dry.Out);
        Assert.Contains("-\tkernel /boot/vmlinuz-2.6.26-2-xen-amd64 root=/dev/xvda1 ro console=hvc0\n+\tkernel /boot/vmlinuz-2.6.26-2-xen-amd64 root=/dev/xvda1 ro console=ttyS0,115200n8\n", dry.Out);
        Assert.Contains("-hvc0:2345:respawn:/sbin/getty 38400 hvc0\n+T0:2345:respawn:/sbin/getty 38400 ttyS0\n", dry.Out);
        // The whole-disk filesystem has no partition: the fstab line has no UUID to take and stays.
        Assert.Contains("note: /etc/fstab: /dev/xvda1 is named differently under pv and hvm and its UUID is unknown; left as it is\n", dry.Out);
        Assert.Equal(original, File.ReadAllBytes(image));
        // qcow2 is read as well (the helper guest writes it through QEMU).
        var qcow2 = Path.Combine(xl.Root, "legacy.qcow2");
        Run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", image, qcow2);
        Assert.Equal(dry, xl.Run("guest-convert", "-n", qcow2, "hvm"));
    }

    [Fact]
    public void DisksItCannotConvertAreRefusedAndLeftAlone()
    {
        using var xl = new XlRunner();
        var empty = Ext4(xl, "empty", new() { ["/boot/vmlinuz"] = "x" });
        var before = File.ReadAllBytes(empty);
        Assert.Equal((1, "", $"guest-convert: {empty}: no recognisable Linux system on the disk: no filesystem holds /etc/fstab\n"),
            xl.Run("guest-convert", empty, "hvm"));
        var noBoot = Ext4(xl, "noboot", new() { ["/etc/fstab"] = "", ["/etc/os-release"] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n" });
        Assert.StartsWith($"guest-convert: {noBoot}: Debian GNU/Linux 12 (bookworm): no boot configuration found", xl.Run("guest-convert", noBoot, "pv").Err);

        var legacy = Ext4(xl, "legacy", LegacyPv);
        var original = File.ReadAllBytes(legacy);
        // A BIOS bootloader is for hvm, and needs room before a partition.
        Assert.Equal((1, "", $"guest-convert: {legacy}: a BIOS bootloader is for hvm guests (pv boots through pygrub): nothing changed\n"),
            xl.Run("guest-convert", "-B", legacy, "pv"));
        Assert.Equal((1, "", $"guest-convert: {legacy}: the filesystem fills the whole disk, with no room for a BIOS bootloader: nothing changed\n"),
            xl.Run("guest-convert", "--install-bootloader", legacy, "hvm"));
        // The helper's kernel and initramfs (the guest kit's) are looked for before anything starts.
        Assert.Equal((1, "", $"guest-convert: {legacy}: no helper kernel at {Path.Combine(xl.Prefix, "usr/lib/xeno/rescue/vmlinuz")} (the guest kit's vmlinuz and rescue-initrd.img): nothing changed\n"),
            xl.Run("guest-convert", legacy, "hvm"));
        var kernel = xl.WriteFile("k", "");
        Assert.Equal((1, "", $"guest-convert: {legacy}: no helper initramfs at {Path.Combine(xl.Root, "nothing")} (the guest kit's vmlinuz and rescue-initrd.img): nothing changed\n"),
            xl.Run("guest-convert", "-k", kernel, "-r", Path.Combine(xl.Root, "nothing"), legacy, "hvm"));
        Assert.Equal(2, xl.Run("guest-convert", "--timeout=soon", legacy, "hvm").Exit);
        File.SetUnixFileMode(legacy, UnixFileMode.UserRead);
        Assert.Equal((1, $"guest-convert: {legacy}: the image is read-only (no write permission): nothing changed\n"),
            (xl.Run("guest-convert", legacy, "hvm").Exit, xl.Run("guest-convert", legacy, "hvm").Err));
        File.SetUnixFileMode(legacy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory(Path.Combine(xl.Root, "full"));
        File.WriteAllText(Path.Combine(xl.Root, "full", "x"), "");
        Assert.Contains("is not empty: nothing changed", xl.Run("guest-convert", "-b", Path.Combine(xl.Root, "full"), legacy, "hvm").Err);
        Assert.Equal(2, xl.Run("guest-convert", legacy, "kvm").Exit);
        Assert.Equal(before, File.ReadAllBytes(empty));
        Assert.Equal(original, File.ReadAllBytes(legacy));
    }

    [Fact]
    public void RescueNeedsItsKernelAndRamdisk()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("g.cfg", "name=\"g\"\ntype=\"hvm\"\nmemory=256\n");
        var (exit, _, stderr) = xl.Run("guest-rescue", cfg);
        Assert.Equal(1, exit);
        Assert.StartsWith($"guest-rescue: no rescue kernel at {Path.Combine(xl.Prefix, "usr/lib/xeno/rescue/vmlinuz")}: pass -k FILE", stderr);
        var kernel = xl.WriteFile("k", "");
        var ramdisk = xl.WriteFile("r", "");
        var dry = xl.Run("-N", "guest-rescue", "-k", kernel, "-r", ramdisk, cfg, "memory=300");
        Assert.Equal(0, dry.Exit);
        Assert.Contains("\"type\": \"pv\"", dry.Out);
        Assert.Contains("\"memory\": 300", dry.Out);
        Assert.Contains($"\"ramdisk\": \"{ramdisk}\"", dry.Out);
    }
}
