using System.Diagnostics;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Network.Hotplug;

/// <summary>
/// xl network-attach / network-detach on one real HVM guest (SeaBIOS, the kit's disk, TCG; one
/// boot): settings xl refuses (Xen's exact words, nothing made on the host), a paravirtual vif
/// (libxl's default type at hot-plug, even for hvm) the guest uses to reach a namespace, an
/// emulated e1000 (type=ioemu) the guest sees appear on its PCI bus and go again, xenstore's
/// backend and frontend nodes coming and going with each; then, with a third NIC still attached,
/// the guest powers off into a preserved domain, which refuses a new NIC without touching the
/// host, and whose destroy removes all the kept NIC made.
/// </summary>
public sealed class NicHotplugHvmTests
{
    private const string Header = "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n";

    [Fact]
    public async Task PvAndEmulatedNicsComeAndGoWhileAnHvmGuestRuns()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var net = new TestNet();
        string br = net.Name("xhhb"), ns = net.Name("xhhn"), veth = net.Name("xhhv"), tapV = net.Name("xhv"), tapE = net.Name("xhe");
        string s = net.Subnet;
        string macV = $"00:16:3e:5b:{net.Tag[..2]}:01", macE = $"00:16:3e:5b:{net.Tag[..2]}:02"; // Tag is lower-case hex
        net.Bridge(br);
        TestNet.Run("ip", "link", "set", br, "up");
        net.Namespace(ns, veth, $"{s}.1/24");
        TestNet.Run("ip", "link", "set", veth, "master", br);
        var before = net.HostState();

        await using var x = await Xenod.StartAsync();
        var overlay = Path.Combine(x.Root, "nhh.qcow2");
        using (var qemuImg = Process.Start(new ProcessStartInfo("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", x.Kit.HvmDisk, overlay]))!)
        {
            await qemuImg.WaitForExitAsync(cancel);
            Assert.Equal(0, qemuImg.ExitCode);
        }
        var cfg = x.WriteConfig("nhh.cfg", "name=\"nhh\"\ntype=\"hvm\"\nmemory=192\nvnc=0\nboot=\"c\"\non_poweroff=\"preserve\"\n" +
            $"disk=['format=qcow2,vdev=hda,access=rw,target={overlay}']\n");
        Assert.Equal(0, x.Xl("create", "-q", cfg).Exit);
        await x.WaitForMarkerAsync("nhh");
        int domid = x.Domid("nhh");
        string backend = $"/local/domain/0/backend/vif/{domid}", frontend = $"/local/domain/{domid}/device/vif";

        // Settings xl refuses, as Debian's real xl words them, and a model QEMU has not: nothing is made.
        Assert.Equal((1, "", "unrecognized argument `foo=bar'\n"), x.Xl("network-attach", "nhh", "foo=bar"));
        Assert.Equal((1, "", "Invalid parameter `mac'.\n"), x.Xl("network-attach", "nhh", "mac=zz"));
        Assert.Equal((1, "", "command line: config parsing error in vif: invalid rate in `fast'\n"), x.Xl("network-attach", "nhh", "rate=fast"));
        var bogus = x.Xl("network-attach", "nhh", $"bridge={br}", $"vifname={tapE}", "type=ioemu", "model=bogus");
        Assert.Equal(1, bogus.Exit);
        Assert.StartsWith("domain \"nhh\": model=\"bogus\" is not a NIC model QEMU emulates; use one of: ", bogus.Err, StringComparison.Ordinal);
        Assert.EndsWith("\nlibxl_device_nic_add failed.\n", bogus.Err, StringComparison.Ordinal);
        Assert.Equal((1, "", "Unknown device 5.\n"), x.Xl("network-detach", "nhh", "5"));
        Assert.Equal((0, Header, ""), x.Xl("network-list", "nhh"));
        Assert.Equal(before, net.HostState());

        // A paravirtual vif (no type=: libxl's hot-plug default is vif, for hvm too): the guest's virtio-net.
        Assert.Equal((0, "", ""), x.Xl("network-attach", "nhh", $"bridge={br}", $"vifname={tapV}", $"mac={macV}"));
        Assert.True(Directory.Exists($"/sys/class/net/{br}/brif/{tapV}"));
        Assert.Equal((0, "vif\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{backend}/0/type"));
        Assert.Equal((0, macV + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{frontend}/0/mac"));
        string find = $"i=$(grep -l {macV} /sys/class/net/*/address | head -n 1) && i=${{i%/address}} && i=${{i##*/}}";
        using (var g = await GuestShell.AttachAsync(x.Prefix, domid))
        {
            Assert.True(await g.RunAsync($"while ! grep -q {macV} /sys/class/net/*/address; do sleep 0.2; done"), g.Transcript);
            Assert.True(await g.RunAsync($"{find} && ip link set $i up && ip addr add {s}.31/24 dev $i"), g.Transcript);
            Assert.True(await g.RunAsync($"ping -c 1 -w 90 {s}.1"), g.Transcript);
        }

        // An emulated e1000 (type=ioemu): the kit has no e1000 driver, so the guest sees the PCI
        // device (8086:100e) appear, bound to nothing; devid 1 follows the vif already there.
        Assert.Equal((0, "", ""), x.Xl("network-attach", "nhh", $"bridge={br}", $"vifname={tapE}", $"mac={macE}", "type=ioemu", "model=e1000"));
        Assert.True(Directory.Exists($"/sys/class/net/{br}/brif/{tapE}"));
        Assert.Equal((0, "vif_ioemu\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{backend}/1/type"));
        Assert.Equal((0, macE + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{backend}/1/mac"));
        var list = x.Xl("network-list", "nhh");
        Assert.Equal(0, list.Exit);
        Assert.Equal([Header.TrimEnd('\n'), "0 ", "1 "], list.Out.TrimEnd('\n').Split('\n').Select((l, i) => i == 0 ? l : l[..2]));
        Assert.Contains(macE, list.Out, StringComparison.Ordinal);
        const string e1000 = "grep -lx 0x100e /sys/bus/pci/devices/*/device | while read f; do grep -qx 0x8086 ${f%device}vendor && echo y; done | grep -q y";
        using (var g = await GuestShell.AttachAsync(x.Prefix, domid))
            Assert.True(await g.RunAsync($"while ! {{ {e1000}; }}; do sleep 0.2; done"), g.Transcript);

        // Detach the e1000 by devid: the guest ejects it; its tap and its xenstore nodes go, the vif stays.
        Assert.Equal((0, "", ""), x.Xl("network-detach", "nhh", "1"));
        using (var g = await GuestShell.AttachAsync(x.Prefix, domid))
            Assert.True(await g.RunAsync($"! {{ {e1000}; }}"), g.Transcript);
        Assert.False(Directory.Exists($"/sys/class/net/{tapE}"));
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"{backend}/1/mac").Exit);
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"{frontend}/1/mac").Exit);
        Assert.Equal((0, macV + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", $"{backend}/0/mac"));
        Assert.True(Directory.Exists($"/sys/class/net/{br}/brif/{tapV}"));

        // Detach the vif by MAC: everything it made is gone.
        Assert.Equal((0, "", ""), x.Xl("network-detach", "nhh", macV));
        using (var g = await GuestShell.AttachAsync(x.Prefix, domid))
            Assert.True(await g.RunAsync($"! grep -q {macV} /sys/class/net/*/address"), g.Transcript);
        Assert.Equal((0, Header, ""), x.Xl("network-list", "nhh"));
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"{backend}/0/mac").Exit);
        Assert.Equal(1, XenstoreTool.Run(x.Prefix, "xenstore-read", $"{frontend}/0/mac").Exit);
        Assert.Equal(before, net.HostState());

        // A NIC with ip= (its own nft table) stays attached while the guest powers off into a preserved
        // domain (no QEMU left): a new NIC is refused and nothing is made; destroy then removes what the
        // kept NIC made, host side and xenstore, as at the destroy of a guest created with it.
        string tapK = net.Name("xhk");
        Assert.Equal((0, "", ""), x.Xl("network-attach", "nhh", $"bridge={br}", $"vifname={tapK}", $"ip={s}.41"));
        Assert.Contains(TestNet.Run("nft", "list", "tables").Split('\n'), l => l.Contains("xeno_vif_" + tapK, StringComparison.Ordinal));
        Assert.Equal(0, XenstoreTool.Run(x.Prefix, "xenstore-read", $"{backend}/0/mac").Exit);
        string id = domid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var g = await GuestShell.AttachAsync(x.Prefix, domid))
            await g.TypeAsync("poweroff -f\n");
        await Xenod.WaitForAsync(() => x.Xl("list", id).Out.Contains("---s--", StringComparison.Ordinal), "the guest to be kept shut down (---s--)");
        Assert.Equal((1, "", $"Domain {domid} is not running\nlibxl_device_nic_add failed.\n"), x.Xl("network-attach", id, $"bridge={br}", $"vifname={tapV}"));
        Assert.False(Directory.Exists($"/sys/class/net/{tapV}"));

        Assert.Equal((0, "", ""), x.Xl("destroy", id));
        Assert.Equal(["Domain-0"], x.ListNames());
        Assert.Equal(before, net.HostState());
        Assert.NotEqual(0, XenstoreTool.Run(x.Prefix, "xenstore-ls", backend).Exit);
        Assert.NotEqual(0, XenstoreTool.Run(x.Prefix, "xenstore-ls", $"/local/domain/{domid}").Exit);
    }
}
