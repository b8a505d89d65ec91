using System.Diagnostics;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// PV ↔ HVM conversion of the real Debian 12 image with `xl guest-convert`, done inside the helper
/// guest (the kit's rescue initramfs, the guest's own grub-mkconfig and grub-install in a chroot)
/// and judged by booting it. A raw copy of the image (built to boot as hvm) first loses its BIOS
/// boot code, as a disk made for pv has none; it is converted to pv, boots through pygrub with no
/// extra= at all and logs in on hvc0; converted back to hvm, it boots through the GRUB chain-load
/// CD (its disk cannot boot) and logs in on ttyS0; then GRUB is installed in its MBR (-B) and it
/// boots from the disk alone, on ttyS0 again. Three Debian boots and three helper boots, one disk.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestConversionTests
{
    private static readonly TimeSpan XlWait = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TheDebianImageConvertedToPvLogsInOnHvc0BackToHvmThroughTheChainloadCdAndFromItsOwnMbr()
    {
        var cancel = TestContext.Current.CancellationToken;
        var image = DebianImage.Get();
        await using var x = await Xenod.StartAsync(agentTimeout: TimeSpan.FromSeconds(60));
        string kernel = x.Kit.Vmlinuz, ramdisk = x.Kit.RescueInitrd;
        var disk = Path.Combine(x.Root, "guest.img");
        Run("cp", "--sparse=always", image.Disk, disk);
        File.SetUnixFileMode(disk, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // No BIOS boot code: boot.img's 440 bytes in sector 0 (the partition table stays) and core.img in the gap.
        using (var f = new FileStream(disk, FileMode.Open, FileAccess.Write))
        {
            f.Write(new byte[440]);
            f.Position = 512;
            f.Write(new byte[(2048 - 1) * 512]);
        }

        var (exit, stdout, stderr) = await Task.Run(() => x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, "-b", Path.Combine(x.Root, "backup-pv"), disk, "pv"), cancel);
        Assert.True(exit == 0, stdout + stderr);
        Assert.StartsWith("Debian GNU/Linux 12 (bookworm) on partition 1 (ext4); boot: /boot/grub/grub.cfg, /etc/default/grub; gettys: systemd\n", stdout);
        Assert.Contains("-GRUB_CMDLINE_LINUX=\"console=tty0 console=ttyS0,115200n8\"\n+GRUB_CMDLINE_LINUX=\"console=tty0 console=hvc0\"\n", stdout);
        // grub.cfg as the guest's own grub-mkconfig regenerated it in the helper.
        Assert.Contains("guest-convert: regenerating /boot/grub/grub.cfg with the guest's grub-mkconfig\n", stderr);
        Assert.Matches($@"\+\s+linux\s+/boot/vmlinuz-{Regex.Escape(image.KernelVersion)} root=UUID=[0-9a-f-]{{36}} ro console=tty0 console=hvc0 quiet\n", stdout);
        Assert.Contains("--- /etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service -> /lib/systemd/system/serial-getty@.service (symbolic link removed)\n", stdout);
        Assert.Contains("+++ /etc/systemd/system/getty.target.wants/serial-getty@hvc0.service -> /lib/systemd/system/serial-getty@.service (symbolic link)\n", stdout);
        Assert.Matches(@"\nconverted for pv: 4 changes; backup and restore script in /var/backups/xeno-convert-pv-\d{8}T\d{6}Z on the guest's disk\n$", stdout);

        // pv through pygrub, no extra=: every console word comes from the regenerated grub.cfg.
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.WriteConfig("conv-pv.cfg",
            "name=\"conv-pv\"\ntype=\"pv\"\nmemory=512\nbootloader=\"pygrub\"\n" +
            $"disk=['{disk},raw,xvda,rw']\n")));
        using (var pv = await DebianConsoleLogin.LogInAsync(x, "conv-pv", "hvc0", image))
        {
            // pygrub passes no BOOT_IMAGE=; the arguments are grub.cfg's as regenerated.
            await RunAsync(pv, "conv-pv", "echo \"cmdline-$((6*7)) $(cat /proc/cmdline)\"",
                // xenod appends no_timer_check to a directly booted kernel under TCG (EmulatedTimerArgs).
                @"cmdline-42 root=UUID=[0-9a-f-]{36} ro console=tty0 console=hvc0 quiet no_timer_check\r?\n", cancel);
            await RunAsync(pv, "conv-pv", "echo \"wants-$((6*7)) $(ls /etc/systemd/system/getty.target.wants | tr '\\n' ' ') $(ls -d /var/backups/xeno-convert-*)\"",
                @"wants-42 getty@tty1\.service serial-getty@hvc0\.service  /var/backups/xeno-convert-pv-\d{8}T\d{6}Z\r?\n", cancel);
            await ShutDownAsync(x, "conv-pv", cancel);
        }

        (exit, stdout, stderr) = await Task.Run(() => x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, "-b", Path.Combine(x.Root, "backup-hvm"), disk, "hvm"), cancel);
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("-GRUB_CMDLINE_LINUX=\"console=tty0 console=hvc0\"\n+GRUB_CMDLINE_LINUX=\"console=tty0 console=ttyS0,115200n8\"\n", stdout);
        // Back where the image started: the regenerated grub.cfg boots the same kernel lines as the
        // image's own (its search lines differ: grub-probe in the helper knows no BIOS drive to hint at).
        static string[] KernelLines(string file) => [.. File.ReadAllLines(file).Where(l => l.TrimStart().StartsWith("linux", StringComparison.Ordinal))];
        Assert.Equal(KernelLines(Path.Combine(x.Root, "backup-pv", "before", "boot/grub/grub.cfg")),
            KernelLines(Path.Combine(x.Root, "backup-hvm", "after", "boot/grub/grub.cfg")));
        Assert.Equal(new byte[440], ReadBytes(disk, 0, 440));

        // hvm through the chain-load CD: the disk has no boot code, the CD's GRUB reads its grub.cfg.
        var (cdExit, cdOut, cdErr) = x.Xl("guest-chainload-cd");
        Assert.True(cdExit == 0, cdErr);
        var cd = cdOut.TrimEnd('\n');
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.WriteConfig("conv-cd.cfg",
            "name=\"conv-cd\"\ntype=\"hvm\"\nmemory=512\nvnc=0\nboot=\"d\"\n" +
            $"disk=['format=raw,vdev=hda,access=rw,target={disk}', 'format=raw,vdev=hdc,access=ro,devtype=cdrom,target={cd}']\n")));
        using (var hvm = await DebianConsoleLogin.LogInAsync(x, "conv-cd", "ttyS0", image))
        {
            Assert.Contains($"{Xeno.Boot.ChainLoad.ChainloadCdConfig.BootingBanner} (hd0,msdos1)/boot/grub/grub.cfg", x.ConsoleLog("conv-cd"));
            await RunAsync(hvm, "conv-cd", "echo \"cmdline-$((6*7)) $(cat /proc/cmdline)\"",
                $@"cmdline-42 BOOT_IMAGE=/boot/vmlinuz-{Regex.Escape(image.KernelVersion)} root=UUID=[0-9a-f-]{{36}} ro console=tty0 console=ttyS0,115200n8 quiet\r?\n", cancel);
            await RunAsync(hvm, "conv-cd", "echo \"wants-$((6*7)) $(ls /etc/systemd/system/getty.target.wants | tr '\\n' ' ')\"",
                @"wants-42 getty@tty1\.service serial-getty@ttyS0\.service \r?\n", cancel);
            await ShutDownAsync(x, "conv-cd", cancel);
        }

        // GRUB into the MBR with the guest's own grub-install: nothing else to change.
        (exit, stdout, stderr) = await Task.Run(() => x.Xl("guest-convert", "-k", kernel, "-r", ramdisk, "-B", disk, "hvm"), cancel);
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("guest-convert: installing GRUB for BIOS in the disk's MBR with the guest's grub-install\n", stderr);
        Assert.Matches(@"\nconverted for hvm: \d+ changes, GRUB installed in the MBR; backup and restore script in /var/backups/xeno-convert-hvm-\d{8}T\d{6}Z on the guest's disk\n$", stdout);
        Assert.NotEqual(new byte[440], ReadBytes(disk, 0, 440));

        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.WriteConfig("conv-hvm.cfg",
            "name=\"conv-hvm\"\ntype=\"hvm\"\nmemory=512\nvnc=0\nboot=\"c\"\n" +
            $"disk=['format=raw,vdev=hda,access=rw,target={disk}']\n")));
        using (var hvm = await DebianConsoleLogin.LogInAsync(x, "conv-hvm", "ttyS0", image))
        {
            await RunAsync(hvm, "conv-hvm", "echo \"cmdline-$((6*7)) $(cat /proc/cmdline)\"",
                $@"cmdline-42 BOOT_IMAGE=/boot/vmlinuz-{Regex.Escape(image.KernelVersion)} root=UUID=[0-9a-f-]{{36}} ro console=tty0 console=ttyS0,115200n8 quiet\r?\n", cancel);
            await ShutDownAsync(x, "conv-hvm", cancel);
        }
    }

    private static byte[] ReadBytes(string file, long offset, int count)
    {
        using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        f.Position = offset;
        var bytes = new byte[count];
        f.ReadExactly(bytes);
        return bytes;
    }

    private static async Task ShutDownAsync(Xenod x, string name, CancellationToken cancel)
    {
        var (exit, _, stderr) = await Task.Run(() => x.Xl("shutdown", "-w", name), cancel).WaitAsync(XlWait, cancel);
        Assert.True(exit == 0, $"xl shutdown -w {name}: {stderr}");
        await Xenod.WaitForAsync(() => !x.ListNames().Contains(name), $"{name} to power off and go away", 120);
    }

    /// <summary>Types a command and waits for a whole output line matching <paramref name="pattern"/> (worked out by the shell, so the echoed command cannot match).</summary>
    private static async Task RunAsync(ConsoleReader console, string name, string command, string pattern, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        await console.TypeAsync(command + "\r");
        await Xenod.WaitForAsync(() => Regex.IsMatch(console.Text, pattern), $"/{pattern}/ on {name}'s console", 300);
    }

    private static void Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {err}");
    }
}
