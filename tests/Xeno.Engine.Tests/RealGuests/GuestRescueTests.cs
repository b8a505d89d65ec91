using System.Diagnostics;
using System.Text.RegularExpressions;
using Xeno.Boot.Disks;
using Xeno.Engine.Tests.Bootloader;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// Rescue mode: the real Debian guest's hvm config, started with `xl guest-rescue` on the guest
/// kit's kernel and initramfs, gives a shell on the console with the guest's disk attached and not
/// mounted; the disk is mounted from there, a file of the guest read and one written, and after
/// the rescue system is shut down the host finds the written file on the guest's disk. The same
/// session gave /etc/fstab a bad entry: the normal boot then stops in systemd's emergency mode with
/// no login prompt; a second rescue boot deletes the entry with scripted commands (mount, sed,
/// unmount), and the normal boot reaches the login prompt. One guest, four boots (two of the kit).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestRescueTests
{
    [Fact]
    public async Task TheDebianGuestBootsIntoRescueWithItsDiskAttachedAndABrokenFstabIsRepairedFromThere()
    {
        var cancel = TestContext.Current.CancellationToken;
        var image = DebianImage.Get();
        await using var x = await Xenod.StartAsync(agentTimeout: TimeSpan.FromSeconds(60));
        var disk = BootImages.Qcow2Overlay(Path.Combine(x.Root, "guest.qcow2"), image.Disk);
        var cfg = x.WriteConfig("resc.cfg",
            "name=\"resc\"\ntype=\"hvm\"\nmemory=512\nvnc=0\nboot=\"c\"\n" +
            $"disk=['format=qcow2,vdev=hda,access=rw,target={disk}']\n");

        // -N: the rescue boot is the guest's config as pv on the rescue kernel, no bootloader, same disk.
        var (exit, json, stderr) = x.Xl("-N", "guest-rescue", "-k", x.Kit.Vmlinuz, "-r", x.Kit.Initrd, cfg);
        Assert.Equal((0, $"Parsing config from {cfg} (rescue mode)\n"), (exit, stderr));
        Assert.Contains("\"type\": \"pv\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"kernel\": \"{x.Kit.Vmlinuz}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"cmdline\": \"console=hvc0 xeno.action=shell xeno.rescue=1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"bootloader\": null", json, StringComparison.Ordinal);

        Assert.Equal(0, x.Xl("guest-rescue", "-q", "-k", x.Kit.Vmlinuz, "-r", x.Kit.Initrd, cfg).Exit);
        await x.WaitForMarkerAsync("resc");
        using (var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{x.Domid("resc")}/console")))
        {
            // Attached, not mounted: the rescue system mounted nothing of it.
            var text = await RunAsync(console, "grep -c vda /proc/mounts; ls /sys/block/vda", "LIST-DONE");
            Assert.True(Regex.IsMatch(text, @"\n0\r?\n(?:[^\n]*\n)*?[^\n]*vda1"), $"vda1 not attached or mounted; the console showed:\n{text}");
            text = await RunAsync(console,
                "mkdir -p /mnt && mount -t ext4 /dev/vda1 /mnt && echo \"hostname-$((6*7)) $(cat /mnt/etc/hostname)\" && " +
                "echo repaired-in-rescue > /mnt/root/rescue-note && " +
                $"echo '{BadFstabLine}' >> /mnt/etc/fstab && umount /mnt && sync", "MOUNT-DONE");
            Assert.True(Regex.IsMatch(text, @"\nhostname-42 debian\r?\n"), $"no hostname-42 line; the console showed:\n{text}");
            Assert.DoesNotContain("can't", text[text.IndexOf("hostname-42", StringComparison.Ordinal)..], StringComparison.Ordinal);
        }
        Assert.Equal(0, (await Task.Run(() => x.Xl("shutdown", "-w", "resc"), cancel).WaitAsync(TimeSpan.FromMinutes(3), cancel)).Exit);
        await Xenod.WaitForAsync(() => !x.ListNames().Contains("resc"), "the rescue system to go away", 120);

        // The host reads the guest's disk (the qcow2 overlay) with Xeno's own reader: the repair is there.
        using var file = File.OpenRead(disk);
        using var guestDisk = GuestDisk.Open(file, new GuestDiskOptions
        {
            // The overlay names the cached image relative to its own folder.
            Image = new() { BackingResolver = name => File.OpenRead(Path.Combine(x.Root, name)) },
        });
        var root = guestDisk.OpenFileSystem(guestDisk.Partitions[0]);
        using (var note = new StreamReader(root.OpenFile("/root/rescue-note")))
            Assert.Equal("repaired-in-rescue\n", note.ReadToEnd());
        using (var fstab = new StreamReader(root.OpenFile("/etc/fstab")))
            Assert.EndsWith(BadFstabLine + "\n", fstab.ReadToEnd(), StringComparison.Ordinal);
        guestDisk.Dispose();
        file.Dispose();

        // The normal boot with the bad entry: the mount fails at once, local-fs.target with it, and
        // systemd stops in emergency mode; no getty ever starts.
        Assert.Equal((0, "", ""), x.Xl("create", "-q", cfg));
        await Xenod.WaitForAsync(() => x.ConsoleLog("resc").Contains("emergency mode", StringComparison.Ordinal),
            "systemd's emergency mode on the broken guest's console", Patience);
        var broken = x.ConsoleLog("resc");
        Assert.DoesNotContain("login:", broken, StringComparison.Ordinal);
        Assert.Equal(0, x.Xl("destroy", "resc").Exit);

        // Rescue again: the entry is removed with the rescue system's own tools.
        Assert.Equal(0, x.Xl("guest-rescue", "-q", "-k", x.Kit.Vmlinuz, "-r", x.Kit.Initrd, cfg).Exit);
        await x.WaitForMarkerAsync("resc");
        using (var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{x.Domid("resc")}/console")))
        {
            var text = await RunAsync(console,
                "mkdir -p /mnt && mount -t ext4 /dev/vda1 /mnt && sed -i '/xeno-broken/d' /mnt/etc/fstab && " +
                "echo \"bad-lines-$(grep -c xeno-broken /mnt/etc/fstab)\" && umount /mnt && sync", "FIX-DONE");
            Assert.True(Regex.IsMatch(text, @"\nbad-lines-0\r?\n"), $"the bad line is still there; the console showed:\n{text}");
        }
        Assert.Equal(0, (await Task.Run(() => x.Xl("shutdown", "-w", "resc"), cancel).WaitAsync(TimeSpan.FromMinutes(3), cancel)).Exit);
        await Xenod.WaitForAsync(() => !x.ListNames().Contains("resc"), "the second rescue system to go away", 120);

        // Normal boot once more: getty's prompt on ttyS0.
        Assert.Equal((0, "", ""), x.Xl("create", "-q", cfg));
        await Xenod.WaitForAsync(() => x.ConsoleLog("resc").Contains("debian login:", StringComparison.Ordinal),
            "the repaired guest's login prompt", Patience);
        Assert.DoesNotContain("emergency mode", x.ConsoleLog("resc"), StringComparison.Ordinal);
        Assert.Equal(0, x.Xl("destroy", "resc").Exit);
    }

    /// <summary>A mount that fails at once (tmpfs refuses an unknown option), so no device timeout is waited for.</summary>
    private const string BadFstabLine = "tmpfs /xeno-broken tmpfs xeno-no-such-option 0 0";

    /// <summary>A full systemd boot under TCG on a loaded 2-core machine takes minutes: wait for the real condition.</summary>
    private const int Patience = 900;

    /// <summary>Types a command on the rescue shell; returns the console text once its end marker printed.</summary>
    private static async Task<string> RunAsync(ConsoleReader console, string command, string marker)
    {
        // The marker is typed split in two, so only the command's output (not its echo) completes it.
        await console.TypeAsync($"{command}; echo \"{marker[..2]}\"\"{marker[2..]}\"\n");
        var sw = Stopwatch.StartNew();
        while (!console.Text.Contains(marker, StringComparison.Ordinal))
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(180))
                Assert.Fail($"timed out waiting for {marker}; the console showed:\n{console.Text}");
            await Task.Delay(200);
        }
        return console.Text;
    }
}
