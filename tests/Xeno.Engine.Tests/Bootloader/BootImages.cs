using System.Diagnostics;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader;

/// <summary>
/// Guest disks for the bootloader tests, built without mounting: ext4 images from a folder
/// (mkfs.ext4 -d) holding the kit's kernel and initrd and a grub.cfg of the test's choosing,
/// and qcow2 overlays (qemu-img). A missing tool fails the test with its name.
/// </summary>
internal static class BootImages
{
    /// <summary>The kit's two entries (default shell, then power off at once), with the given default.</summary>
    public static string KitGrubCfg(int defaultEntry = 0) =>
        $"set default={defaultEntry}\nset timeout=1\n\n" +
        "menuentry 'Xeno test guest' {\n\tlinux /boot/vmlinuz console=hvc0\n\tinitrd /boot/initrd.img\n}\n\n" +
        "menuentry 'Xeno test guest (power off at once)' {\n\tlinux /boot/vmlinuz console=hvc0 xeno.action=poweroff\n\tinitrd /boot/initrd.img\n}\n";

    /// <summary>An ext4 image at <paramref name="image"/> with /boot/vmlinuz, /boot/initrd.img and, if given, /boot/grub/grub.cfg.</summary>
    public static string Ext4(string image, string? grubCfg, GuestKit kit, int megabytes = 24)
    {
        var root = image + ".root";
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(Path.Combine(root, "boot", "grub"));
        File.Copy(kit.Vmlinuz, Path.Combine(root, "boot", "vmlinuz"));
        File.Copy(kit.Initrd, Path.Combine(root, "boot", "initrd.img"));
        if (grubCfg is not null)
            File.WriteAllText(Path.Combine(root, "boot", "grub", "grub.cfg"), grubCfg);
        Run("mkfs.ext4", "-q", "-F", "-d", root, image, megabytes + "M");
        Directory.Delete(root, recursive: true);
        return image;
    }

    /// <summary>A small ext4 image with arbitrary files (path inside the guest, bytes).</summary>
    public static string Ext4With(string image, IReadOnlyDictionary<string, byte[]> files, int megabytes = 4)
    {
        var root = image + ".root";
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(root);
        foreach (var (path, bytes) in files)
        {
            var host = Path.Combine(root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            File.WriteAllBytes(host, bytes);
        }
        Run("mkfs.ext4", "-q", "-F", "-d", root, image, megabytes + "M");
        Directory.Delete(root, recursive: true);
        return image;
    }

    /// <summary>A qcow2 overlay whose backing file is the raw <paramref name="backing"/>, named relative to the overlay's folder.</summary>
    public static string Qcow2Overlay(string overlay, string backing)
    {
        var relative = Path.GetRelativePath(Path.GetDirectoryName(overlay)!, backing);
        Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", relative, "-F", "raw", overlay);
        return overlay;
    }

    public static void Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is needed by this test and could not be run ({e.Message}); install e2fsprogs and qemu-utils");
            throw;
        }
        using (p)
        {
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}");
        }
    }
}
