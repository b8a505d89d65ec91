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
/// the rescue system is shut down the host finds the written file on the guest's disk.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestRescueTests
{
    [Fact]
    public async Task TheDebianGuestBootsIntoRescueWithItsDiskAttachedWhichCanBeMountedReadAndRepaired()
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
                "echo repaired-in-rescue > /mnt/root/rescue-note && umount /mnt && sync", "MOUNT-DONE");
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
        using var note = new StreamReader(root.OpenFile("/root/rescue-note"));
        Assert.Equal("repaired-in-rescue\n", note.ReadToEnd());
    }

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
