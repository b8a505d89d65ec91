using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xeno.Boot.Disks;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// `xl guest-convert` through its helper guest (the kit's rescue initramfs) on small real ext4
/// images (mkfs.ext4 -d, no mount on the host): a Debian 5 style legacy pv disk (menu.lst with a
/// splash image, sysvinit getty on hvc0) is refused while a domain uses it; a conversion whose
/// grub-mkconfig fails half-way puts every file back; the disk is converted to hvm (the backup and
/// its restore script on the disk) and back to pv. Three kit helper boots, no Linux distribution.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestConvertHelperTests
{
    internal static readonly Dictionary<string, string> LegacyPv = new()
    {
        ["/etc/debian_version"] = "5.0.10\n",
        ["/boot/grub/menu.lst"] = "splashimage=(hd0,0)/boot/grub/splash.xpm.gz\ntitle Debian\n\tkernel /boot/vmlinuz-2.6.26-2-xen-amd64 root=/dev/xvda1 ro console=hvc0\n",
        ["/etc/fstab"] = "/dev/xvda1 / ext3 defaults 0 1\n",
        ["/etc/inittab"] = "id:2:initdefault:\nhvc0:2345:respawn:/sbin/getty 38400 hvc0\n",
    };

    [Fact]
    public async Task ALegacyDiskIsRefusedInUseRestoredAfterAFailureConvertedToHvmAndBack()
    {
        await using var x = await Xenod.StartAsync();
        string kernel = x.Kit.Vmlinuz, ramdisk = x.Kit.RescueInitrd;
        var image = Ext4(x.Root, "legacy", LegacyPv, tools: false);
        var original = File.ReadAllBytes(image);

        // In use by a domain (paused, never booted): refused before any helper starts.
        var cfg = x.PvConfig("user", extra: $"disk=[\"format=raw,vdev=xvda,access=rw,target={image}\"]\n");
        Assert.Equal(0, x.Xl("create", "-q", "-p", cfg).Exit);
        var refused = x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, image, "hvm");
        Assert.Equal(1, refused.Exit);
        Assert.EndsWith($"guest-convert: {image}: the disk is in use by domain {x.Domid("user")} (user): shut it down (and destroy it) first: nothing changed\n", refused.Err);
        Assert.Equal(0, x.Xl("destroy", "user").Exit);
        Assert.Equal(original, File.ReadAllBytes(image));

        // grub-mkconfig (the guest's own, here a busybox script that fails) fails after the
        // changes were written: the helper puts the originals back.
        var failing = Ext4(x.Root, "failing", new(LegacyPv)
        {
            ["/etc/default/grub"] = "GRUB_CMDLINE_LINUX=\"console=hvc0\"\n",
            ["/boot/grub/grub.cfg"] = "menuentry 'Debian' {\n\tlinux /boot/vmlinuz root=/dev/xvda1 ro console=hvc0\n}\n",
            ["/usr/sbin/grub-mkconfig"] = "#!/bin/sh\necho 'grub-mkconfig: error: failing on purpose' >&2\nexit 1\n",
        }, tools: true);
        var failed = await Task.Run(() => x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, failing, "hvm"));
        Assert.True(failed.Exit == 1 && failed.Err.Contains("guest-convert: writing the changes\n", StringComparison.Ordinal), failed.Out + failed.Err);
        Assert.True(failed.Err.Contains("guest-convert: regenerating /boot/grub/grub.cfg with the guest's grub-mkconfig\n", StringComparison.Ordinal)
                    && failed.Err.Contains("guest-convert:   grub-mkconfig: error: failing on purpose\n", StringComparison.Ordinal), failed.Err);
        Assert.Contains($"guest-convert: {failing}: grub-mkconfig failed (the original files were put back) (the helper's console log: ", failed.Err);
        var files = ReadFiles(failing, "/etc/default/grub", "/boot/grub/grub.cfg", "/boot/grub/menu.lst", "/etc/inittab");
        Assert.Equal("GRUB_CMDLINE_LINUX=\"console=hvc0\"\n", files["/etc/default/grub"]);
        Assert.Equal(LegacyPv["/boot/grub/menu.lst"], files["/boot/grub/menu.lst"]);
        Assert.Equal(LegacyPv["/etc/inittab"], files["/etc/inittab"]);
        Run("e2fsck", "-fn", failing);

        // To hvm, then back to pv.
        var (exit, stdout, stderr) = await Task.Run(() => x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, image, "hvm"));
        Assert.True(exit == 0, stdout + stderr);
        Assert.StartsWith("Debian 5.0.10 on the whole disk (ext4); boot: /boot/grub/menu.lst; gettys: sysvinit\n", stdout);
        Assert.Contains("-hvc0:2345:respawn:/sbin/getty 38400 hvc0\n+T0:2345:respawn:/sbin/getty 38400 ttyS0\n", stdout);
        Assert.Contains("-splashimage=(hd0,0)/boot/grub/splash.xpm.gz\n", stdout);
        var backup = Regex.Match(stdout, @"\nconverted for hvm: 2 changes; backup and restore script in (/var/backups/xeno-convert-hvm-\d{8}T\d{6}Z) on the guest's disk\n$");
        Assert.True(backup.Success, stdout);
        Assert.Contains("guest-convert: writing the changes\n", stderr);
        Run("e2fsck", "-fn", image);
        files = ReadFiles(image, "/etc/inittab", "/boot/grub/menu.lst",
            backup.Groups[1].Value + "/files/etc/inittab", backup.Groups[1].Value + "/files/boot/grub/menu.lst", backup.Groups[1].Value + "/restore");
        Assert.Equal("id:2:initdefault:\nT0:2345:respawn:/sbin/getty 38400 ttyS0\n", files["/etc/inittab"]);
        Assert.Contains("console=ttyS0,115200n8", files["/boot/grub/menu.lst"]);
        Assert.Equal(LegacyPv["/etc/inittab"], files[backup.Groups[1].Value + "/files/etc/inittab"]);
        Assert.Equal(LegacyPv["/boot/grub/menu.lst"], files[backup.Groups[1].Value + "/files/boot/grub/menu.lst"]);
        Assert.StartsWith("#!/bin/sh\n", files[backup.Groups[1].Value + "/restore"]);
        // Prepared already: nothing to do, no helper.
        var again = x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, image, "hvm");
        Assert.Equal((0, ""), (again.Exit, again.Err));
        Assert.EndsWith("\nalready prepared for hvm: nothing to change\n", again.Out);

        (exit, stdout, stderr) = await Task.Run(() => x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, image, "pv"));
        Assert.True(exit == 0, stdout + stderr);
        // Back to pv: the console and getty return (the splash image and GRUB's serial lines hvm needed stay gone or added: a pv guest's GRUB never runs).
        Assert.Contains("+\tkernel /boot/vmlinuz-2.6.26-2-xen-amd64 root=/dev/xvda1 ro console=hvc0\n", stdout);
        Assert.Contains("+hvc0:2345:respawn:/sbin/getty 38400 hvc0\n", stdout);
        Assert.Equal(LegacyPv["/etc/inittab"], ReadFiles(image, "/etc/inittab")["/etc/inittab"]);
        Run("e2fsck", "-fn", image);
        Assert.DoesNotContain(x.ListNames(), n => n.StartsWith("xeno-convert-", StringComparison.Ordinal));
    }

    /// <summary>
    /// An 8 MiB ext4 filesystem image (no partition table) holding <paramref name="files"/>; with
    /// <paramref name="tools"/>, the host's static busybox as the guest's /bin/sh and /usr/bin/env
    /// and /proc, /sys, /dev folders (what the helper needs to run the guest's own tools in a chroot), executables 0755.
    /// </summary>
    internal static string Ext4(string root, string name, Dictionary<string, string> files, bool tools)
    {
        var tree = Path.Combine(root, name + ".d");
        foreach (var (path, text) in files)
        {
            var file = Path.Combine(tree, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
            if (text.StartsWith("#!", StringComparison.Ordinal)) File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        if (tools)
        {
            Directory.CreateDirectory(Path.Combine(tree, "bin"));
            Directory.CreateDirectory(Path.Combine(tree, "usr/bin"));
            // Where the helper binds its own /proc, /sys and /dev for the chroot (every real system has them).
            foreach (var d in new[] { "proc", "sys", "dev" }) Directory.CreateDirectory(Path.Combine(tree, d));
            File.Copy("/bin/busybox", Path.Combine(tree, "bin/busybox"));
            File.CreateSymbolicLink(Path.Combine(tree, "bin/sh"), "busybox");
            File.CreateSymbolicLink(Path.Combine(tree, "usr/bin/env"), "/bin/busybox");
        }
        var image = Path.Combine(root, name + ".img");
        Run("mkfs.ext4", "-q", "-F", "-U", "3753345f-b8cc-4771-81e9-de6a66e2af79", "-d", tree, image, "8M");
        return image;
    }

    /// <summary>Files of the image as Xeno.Boot reads them (the host never mounts it).</summary>
    internal static Dictionary<string, string> ReadFiles(string image, params string[] paths)
    {
        using var stream = new FileStream(image, FileMode.Open, FileAccess.Read);
        using var disk = GuestDisk.Open(stream);
        var fs = disk.FileSystems()[0].FileSystem;
        var files = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            using var f = fs.OpenFile(path);
            files[path] = new StreamReader(f, Encoding.UTF8).ReadToEnd();
        }
        return files;
    }

    internal static void Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {output}{err.Result}");
    }
}
