using System.Diagnostics;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Devices;

/// <summary>
/// One HVM guest (SeaBIOS, IDE boot disk, an empty IDE CD-ROM drive): a raw disk hot-plugged as
/// virtio-blk that the guest sees and writes, then detached; cd-insert / cd-eject on hdc with
/// the medium recorded in xenstore and the domain's config; refusals in Xen's words.
/// The kit's guest has no IDE CD driver, so the medium change is checked on the host's side.
/// </summary>
public sealed class HvmDiskTests
{
    [Fact]
    public async Task HvmGuestGetsADiskAndChangesCds()
    {
        await using var x = await Xenod.StartAsync();
        var overlay = Path.Combine(x.Root, "hvm.qcow2");
        QemuImg("create", "-q", "-f", "qcow2", "-F", "raw", "-b", x.Kit.HvmDisk, overlay);
        var raw = Path.Combine(x.Root, "extra.img");
        File.WriteAllBytes(raw, new byte[2 << 20]);
        var iso = Path.Combine(x.Root, "media.iso");
        File.WriteAllBytes(iso, new byte[1 << 20]);
        var cfg = x.WriteConfig("hvmd.cfg",
            "name=\"hvmd\"\ntype=\"hvm\"\nmemory=192\nvnc=0\nboot=\"c\"\n" +
            $"disk=['format=qcow2,vdev=hda,access=rw,target={overlay}', ',,hdc,cdrom']\n");
        Assert.Equal(0, x.Xl("create", "-q", cfg).Exit);
        await x.WaitForMarkerAsync("hvmd");
        int domid = x.Domid("hvmd");
        string back = $"/local/domain/0/backend/vbd/{domid}";

        // A hot-plugged disk on an HVM guest is its PV (virtio) view, as in Xen.
        Assert.Equal((0, "", ""), x.Xl("block-attach", "hvmd", $"{raw},raw,xvdb,rw"));
        using (var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{domid}/console")))
        {
            await console.TypeAsync("while ! [ -e /sys/block/vda ]; do sleep 0.2; done; cat /sys/block/vda/size; " +
                                    "echo hvm-data | dd of=/dev/vda conv=fsync 2>/dev/null; echo \"V\"\"DA-DONE\"\n");
            var sw = Stopwatch.StartNew();
            while (!console.Text.Contains("VDA-DONE", StringComparison.Ordinal))
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(120))
                    Assert.Fail("timed out; the console showed:\n" + console.Text);
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
            Assert.Contains("\n4096", console.Text, StringComparison.Ordinal);
        }
        using (var f = new FileStream(raw, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var head = new byte[8];
            f.ReadExactly(head);
            Assert.Equal("hvm-data", System.Text.Encoding.ASCII.GetString(head));
        }
        Assert.Equal((0, "", ""), x.Xl("block-detach", "hvmd", "xvdb"));
        Assert.DoesNotContain("51728", x.Xl("block-list", "hvmd").Out, StringComparison.Ordinal);

        // CD-ROM: the empty drive gets a medium, then loses it; the backend's params follows.
        Assert.Equal((0, "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{back}/5632/params"));
        Assert.Equal((0, "", ""), x.Xl("cd-insert", "hvmd", "hdc", iso));
        Assert.Equal((0, iso + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{back}/5632/params"));
        Assert.Contains($"\"target\": \"{iso}\"", x.Xl("list", "-l", "hvmd").Out, StringComparison.Ordinal);
        Assert.Equal((0, "", ""), x.Xl("cd-eject", "hvmd", "hdc"));
        Assert.Equal((0, "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{back}/5632/params"));
        Assert.DoesNotContain(iso, x.Xl("list", "-l", "hvmd").Out, StringComparison.Ordinal);

        // Refusals.
        Assert.Equal((1, "", $"libxl: error: Domain {domid}:Virtual device not found\n"), x.Xl("cd-insert", "hvmd", "hdd", iso));
        Assert.Equal((1, "", $"Cannot stat file: {x.Root}/none.iso\n"), x.Xl("cd-insert", "hvmd", "hdc", $"{x.Root}/none.iso"));
    }

    private static void QemuImg(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("qemu-img", args) { UseShellExecute = false, RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "qemu-img failed: " + err);
    }
}
