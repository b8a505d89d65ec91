using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Network.Hotplug;

/// <summary>
/// xl network-attach / network-list / network-detach on one real PV guest (TCG, one boot): a
/// bridged vif with ip= (so it has its anti-spoofing nft table) hot-plugged, seen by the guest
/// with its MAC and used to reach a namespace on the bridge, listed in Xen's table and in
/// xenstore; then detached with the guest's cooperation, gone from the guest, the host
/// (interfaces, nft tables, routes) and xenstore; a guest that does not release a NIC (paused)
/// gets the timeout error and a later detach finishes. Host state is compared before and after.
/// </summary>
public sealed class NicHotplugGuestTests
{
    private const string Header = "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n";

    private static string Row(int devid, int domid, string mac) =>
        $"{devid,-3} {0,-2} {mac}{devid,6} {4,5} {-1,6} {-1,5}/{-1,-11} {$"/local/domain/0/backend/vif/{domid}/{devid}",-30}\n";

    [Fact]
    public async Task ABridgedNicComesAndGoesWhileAPvGuestRuns()
    {
        using var net = new TestNet();
        string br = net.Name("xhbr"), ns = net.Name("xhns"), veth = net.Name("xhvh"), tap = net.Name("xht");
        string s = net.Subnet;
        string mac = $"00:16:3e:5a:{net.Tag[..2]}:42"; // Tag is lower-case hex
        net.Bridge(br);
        TestNet.Run("ip", "link", "set", br, "up");
        net.Namespace(ns, veth, $"{s}.1/24");
        TestNet.Run("ip", "link", "set", veth, "master", br);
        var before = net.HostState();

        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("nhp")).Exit);
        await x.WaitForMarkerAsync("nhp");
        int domid = x.Domid("nhp");
        Assert.Equal((0, Header, ""), x.Xl("network-list", "nhp"));

        // Refusals with Xen's words: an unknown domain, an unknown device.
        Assert.Equal((1, "", "nosuch is an invalid domain identifier (rc=-6)\n"), x.Xl("network-attach", "nosuch", $"bridge={br}"));
        Assert.Equal((1, "", "Unknown device 3.\n"), x.Xl("network-detach", "nhp", "3"));
        Assert.Equal((1, "", "Unknown device 00:16:3e:00:00:99.\n"), x.Xl("network-detach", "nhp", "00:16:3e:00:00:99"));

        // Attach: the host side as at create (the tap on the bridge, its transmit table), then the guest's NIC.
        Assert.Equal((0, "", ""), x.Xl("network-attach", "nhp", $"bridge={br}", $"vifname={tap}", $"mac={mac}", $"ip={s}.21"));
        Assert.True(Directory.Exists($"/sys/class/net/{br}/brif/{tap}"));
        Assert.Contains(TestNet.Run("nft", "list", "tables").Split('\n'), l => l.Contains("xeno_vif_" + tap, StringComparison.Ordinal));
        Assert.Equal((0, Header + Row(0, domid, mac), ""), x.Xl("network-list", "nhp"));
        Assert.Equal((0, mac + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/0/backend/vif/{domid}/0/mac"));
        Assert.Equal((0, br + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/0/backend/vif/{domid}/0/bridge"));
        Assert.Equal((0, mac + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/{domid}/device/vif/0/mac"));
        Assert.Contains($"\"mac\": \"{mac}\"", x.Xl("list", "-l", "nhp").Out, StringComparison.Ordinal);

        // The guest sees a new interface with that MAC (once its ACPI hot-plug handler scanned the slot) and reaches the namespace.
        string find = $"i=$(grep -l {mac} /sys/class/net/*/address | head -n 1) && i=${{i%/address}} && i=${{i##*/}}";
        using (var g = await GuestShell.AttachAsync(x.Prefix, domid))
        {
            Assert.True(await g.RunAsync($"while ! grep -q {mac} /sys/class/net/*/address; do sleep 0.2; done"), g.Transcript);
            Assert.True(await g.RunAsync($"{find} && ip link set $i up && ip addr add {s}.21/24 dev $i"), g.Transcript);
            Assert.True(await g.RunAsync($"ping -c 1 -w 90 {s}.1"), g.Transcript);
        }
        Assert.Equal(0, TestNet.TryRun("ip", "netns", "exec", ns, "busybox", "ping", "-c", "1", "-w", "90", $"{s}.21").Exit);

        // Detach by MAC: the guest lets the NIC go; the host side, xenstore and the list follow.
        Assert.Equal((0, "", ""), x.Xl("network-detach", "nhp", mac));
        using (var g = await GuestShell.AttachAsync(x.Prefix, domid))
            Assert.True(await g.RunAsync($"! grep -q {mac} /sys/class/net/*/address"), g.Transcript);
        Assert.Equal((0, Header, ""), x.Xl("network-list", "nhp"));
        Assert.False(Directory.Exists($"/sys/class/net/{tap}"));
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/0/backend/vif/{domid}/0/mac").Exit);
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"/local/domain/{domid}/device/vif/0/mac").Exit);
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"/libxl/{domid}/device/vif/0/mac").Exit);
        Assert.Equal(before, net.HostState());
        Assert.DoesNotContain($"\"mac\": \"{mac}\"", x.Xl("list", "-l", "nhp").Out, StringComparison.Ordinal);

        // A guest that does not release the NIC (paused: nothing answers the unplug request) gets
        // the timeout error and keeps it; once it runs again, network-detach finishes the job.
        string tap2 = net.Name("xhu");
        Assert.Equal((0, "", ""), x.Xl("network-attach", "nhp", $"bridge={br}", $"vifname={tap2}"));
        Assert.True(Directory.Exists($"/sys/class/net/{br}/brif/{tap2}"));
        Assert.Equal(0, x.Xl("pause", "nhp").Exit);
        Assert.Equal((1, "",
            $"libxl: error: Domain {domid}:unable to remove device with path /local/domain/0/backend/vif/{domid}/0" +
            " (the guest did not release vif 0 within 10 s; it stays attached, and QEMU removes it when the guest lets go)\n" +
            "libxl_device_nic_del failed.\n"), x.Xl("network-detach", "nhp", "0"));
        Assert.True(Directory.Exists($"/sys/class/net/{tap2}"));
        Assert.StartsWith(Header + "0 ", x.Xl("network-list", "nhp").Out, StringComparison.Ordinal);
        Assert.Equal(0, x.Xl("unpause", "nhp").Exit);
        Assert.Equal((0, "", ""), x.Xl("network-detach", "nhp", "0"));
        Assert.Equal((0, Header, ""), x.Xl("network-list", "nhp"));
        Assert.Equal(before, net.HostState());

        Assert.Equal((0, "", ""), x.Xl("destroy", "nhp"));
        Assert.Equal(before, net.HostState());
    }
}
