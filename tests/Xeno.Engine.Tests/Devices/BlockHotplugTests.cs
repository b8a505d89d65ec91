using System.Diagnostics;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Devices;

/// <summary>
/// xl block-attach / block-list / block-detach on one real PV guest (TCG): a raw and a qcow2
/// disk hot-plugged, seen and written by the guest, listed in Xen's table and in xenstore,
/// refusals that change nothing, a detach the guest agrees to, and the attached disk kept
/// across xenod's re-adoption and an on_reboot restart.
/// </summary>
public sealed class BlockHotplugTests
{
    private const string Header = "Vdev  BE  handle state evt-ch ring-ref BE-path                       \n";

    private static string Row(int devid, int domid) =>
        $"{devid,-5} 0   {domid,-6} 4     -1     -1       {$"/local/domain/0/backend/vbd/{domid}/{devid}",-30}\n";

    [Fact]
    public async Task DisksComeAndGoWhileAPvGuestRuns()
    {
        await using var x = await Xenod.StartAsync();
        var boot = Path.Combine(x.Root, "boot.img");
        File.WriteAllBytes(boot, new byte[1 << 20]);
        var raw = Path.Combine(x.Root, "raw.img");
        File.WriteAllBytes(raw, new byte[2 << 20]);
        var qcow = Path.Combine(x.Root, "data.qcow2");
        QemuImg("create", "-q", "-f", "qcow2", qcow, "4M");
        var cfg = x.PvConfig("hp", extra: $"disk=['{boot},raw,xvda,rw']\n");
        Assert.Equal(0, x.Xl("create", "-q", cfg).Exit);
        await x.WaitForMarkerAsync("hp");
        int domid = x.Domid("hp");
        Assert.Equal((0, Header + Row(51712, domid), ""), x.Xl("block-list", "hp"));

        // Attach: the raw disk in the positional form, the qcow2 one in the named form of the documents.
        Assert.Equal((0, "", ""), x.Xl("block-attach", "hp", $"{raw},raw,xvdb,rw"));
        Assert.Equal((0, "", ""), x.Xl("block-attach", "hp", $"format=qcow2, vdev=xvdc, access=rw, target={qcow}"));
        var all = Header + Row(51712, domid) + Row(51728, domid) + Row(51744, domid);
        Assert.Equal((0, all, ""), x.Xl("block-list", "hp"));

        // xenstore: the backend's params is the image (the documents' readlink -f $(xenstore-read …)).
        Assert.Equal((0, raw + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/0/backend/vbd/{domid}/51728/params"));
        var ls = XenstoreTool.Run(x.Prefix, "xenstore-ls", $"/local/domain/0/backend/vbd/{domid}/51744");
        Assert.Equal(0, ls.Exit);
        Assert.Contains($"params = \"{qcow}\"", ls.Out, StringComparison.Ordinal);
        Assert.Contains("dev = \"xvdc\"", ls.Out, StringComparison.Ordinal);
        Assert.Contains("mode = \"w\"", ls.Out, StringComparison.Ordinal);
        Assert.Equal((0, $"/local/domain/0/backend/vbd/{domid}/51744\n"),
            XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/{domid}/device/vbd/51744/backend"));
        Assert.Contains("\"vdev\": \"xvdc\"", x.Xl("list", "-l", "hp").Out, StringComparison.Ordinal);

        // The guest sees both (by size: 2 MiB = 4096 sectors, 4 MiB = 8192), writes and reads them.
        using (var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{domid}/console")))
        {
            // Hot-plugged PCI devices appear once the guest's ACPI hot-plug handler has scanned the slot.
            await RunAsync(console, "while [ $(ls -d /sys/block/vd* | wc -l) -lt 3 ]; do sleep 0.2; done; ls /sys/block", "LS-DONE");
            var text = await RunAsync(console,
                "for d in /sys/block/vd*; do s=$(cat $d/size); n=${d##*/}; " +
                "[ $s = 4096 ] && echo raw-data | dd of=/dev/$n conv=fsync 2>/dev/null && echo \"R\"\"AW-OK\"; " +
                "[ $s = 8192 ] && echo qcow-data | dd of=/dev/$n conv=fsync 2>/dev/null && " +
                "[ \"$(dd if=/dev/$n bs=9 count=1 2>/dev/null)\" = qcow-data ] && echo \"Q\"\"COW-OK\"; done", "RW-DONE");
            Assert.Contains("RAW-OK", text, StringComparison.Ordinal);
            Assert.Contains("QCOW-OK", text, StringComparison.Ordinal);
        }
        using (var f = new FileStream(raw, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var head = new byte[8];
            f.ReadExactly(head);
            Assert.Equal("raw-data", System.Text.Encoding.ASCII.GetString(head));
        }

        // Refusals: Xen's words and status, nothing changed.
        var again = x.Xl("block-attach", "hp", $"{raw},raw,xvdb,rw");
        Assert.Equal((1, "", $"libxl: error: Domain {domid}:device already exists in xenstore\nlibxl_device_disk_add failed.\n"), again);
        var missing = x.Xl("block-attach", "hp", $"{x.Root}/nosuch.img,raw,xvdd,rw");
        Assert.Equal(1, missing.Exit);
        Assert.Equal($"libxl: error: Disk vdev=xvdd failed to stat: {x.Root}/nosuch.img: No such file or directory\nlibxl_device_disk_add failed.\n", missing.Err);
        Assert.Equal((1, "", "Error: Device xvdz not connected.\n"), x.Xl("block-detach", "hp", "xvdz"));
        Assert.Equal((0, all, ""), x.Xl("block-list", "hp"));

        // Detach by device number: the guest lets the device go.
        Assert.Equal((0, "", ""), x.Xl("block-detach", "hp", "51744"));
        var two = Header + Row(51712, domid) + Row(51728, domid);
        Assert.Equal((0, two, ""), x.Xl("block-list", "hp"));
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/0/backend/vbd/{domid}/51744/params").Exit);

        // A new xenod re-adopts the guest with its attached disk.
        await x.StopHostAsync();
        await x.StartHostAsync();
        Assert.Equal((0, two, ""), x.Xl("block-list", "hp"));

        // on_reboot=restart: the new QEMU has the attached disk from the start.
        using (var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{domid}/console")))
            await console.TypeAsync("reboot -f\n");
        await Xenod.WaitForAsync(() => x.MarkerCount("hp") >= 2, "the restarted guest's marker");
        int again2 = x.Domid("hp");
        Assert.NotEqual(domid, again2);
        Assert.Equal((0, Header + Row(51712, again2) + Row(51728, again2), ""), x.Xl("block-list", "hp"));
        using (var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{again2}/console")))
        {
            var text = await RunAsync(console, "cat /sys/block/vdb/size", "SIZE-DONE");
            Assert.Matches(new Regex(@"\n4096\r?\n"), text);
        }
    }

    /// <summary>Types a command on the guest's console shell; returns the console text once its end marker printed.</summary>
    private static async Task<string> RunAsync(ConsoleReader console, string command, string marker)
    {
        // The marker is typed split in two, so only the command's output (not its echo) completes it.
        await console.TypeAsync($"{command}; echo \"{marker[..2]}\"\"{marker[2..]}\"\n");
        var sw = Stopwatch.StartNew();
        while (!console.Text.Contains(marker, StringComparison.Ordinal))
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(120))
                Assert.Fail($"timed out waiting for {marker}; the console showed:\n{console.Text}");
            await Task.Delay(200);
        }
        return console.Text;
    }

    private static void QemuImg(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("qemu-img", args) { UseShellExecute = false, RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "qemu-img failed: " + err);
    }
}
