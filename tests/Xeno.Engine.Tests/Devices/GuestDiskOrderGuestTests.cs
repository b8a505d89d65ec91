using System.Diagnostics;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Devices;

/// <summary>
/// One real PV guest (TCG) whose config lists its disks out of order, with a Xen-style root=:
/// inside, xvda is vda and xvdc is vdb (told apart by size), and the kernel's command line
/// names the disk it will see (root=/dev/xvdc1 → root=/dev/vdb1).
/// </summary>
public sealed class GuestDiskOrderGuestTests
{
    [Fact]
    public async Task TheGuestSeesItsDisksInVdevOrderAndRootTranslated()
    {
        await using var x = await Xenod.StartAsync();
        var a = Path.Combine(x.Root, "a.img");
        File.WriteAllBytes(a, new byte[1 << 20]); // 2048 sectors
        var c = Path.Combine(x.Root, "c.img");
        File.WriteAllBytes(c, new byte[3 << 20]); // 6144 sectors
        var cfg = x.WriteConfig("order.cfg",
            $"name=\"order\"\ntype=\"pv\"\nmemory=128\nkernel=\"{x.Kit.Vmlinuz}\"\nramdisk=\"{x.Kit.Initrd}\"\n" +
            "extra=\"console=hvc0 xeno.action=shell xeno.agent=off root=/dev/xvdc1 ro\"\n" +
            $"disk=['{c},raw,xvdc,rw', '{a},raw,xvda,rw']\n");
        Assert.Equal(0, x.Xl("create", "-q", cfg).Exit);
        await x.WaitForMarkerAsync("order");
        int domid = x.Domid("order");

        using var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{domid}/console"));
        var text = await RunAsync(console,
            "echo A=$(cat /sys/block/vda/size) B=$(cat /sys/block/vdb/size) C=$(cat /proc/cmdline | tr ' ' '\\n' | grep '^root=')", "ORDER-DONE");
        Assert.Matches(new Regex(@"\nA=2048 B=6144 C=root=/dev/vdb1\r?\n"), text);
        // The config keeps the Xen name; xenod's log says what the guest got.
        Assert.Contains("extra=\"console=hvc0 xeno.action=shell xeno.agent=off root=/dev/xvdc1 ro\"", File.ReadAllText(cfg), StringComparison.Ordinal);
        Assert.Contains($"Domain {domid}: root=/dev/xvdc1 on the kernel command line is root=/dev/vdb1 in the guest", x.Xl("dmesg").Out, StringComparison.Ordinal);
        Assert.Equal(0, x.Xl("destroy", "order").Exit);
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
}
