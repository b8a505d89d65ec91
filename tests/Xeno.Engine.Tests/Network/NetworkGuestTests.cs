using System.Diagnostics;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Network;

/// <summary>
/// Real guests on real taps (three boots in all): bridge mode with a namespace on the same
/// bridge, a NIC hot-plugged into a running guest (xl network-attach), a xenod killed with -9
/// and restarted (taps, the hot-plugged one too, re-adopted with their bridge ports and nft
/// tables, traffic goes on, the taps of a guest whose QEMU died meanwhile removed), and route
/// mode through /32 routes and proxy ARP. Every host change is counted before and after:
/// nothing left, nothing made twice. The host side pings with busybox (Debian's busybox
/// package): these hosts have no iputils ping.
/// </summary>
public sealed class NetworkGuestTests
{
    private static string Vif(string extra) => $"vif=['{extra}']\n";

    private const string ListHeader = "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n";

    private static string ListRow(int devid, int domid, string mac) =>
        $"{devid,-3} {0,-2} {mac}{devid,6} {4,5} {-1,6} {-1,5}/{-1,-11} {$"/local/domain/0/backend/vif/{domid}/{devid}",-30}\n";

    [Fact]
    public async Task BridgedGuestsAndAHotPluggedNicReachTheLanAndSurviveKill9OfXenod()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var net = new TestNet();
        string br = net.Name("xnbr"), ns = net.Name("xnns"), veth = net.Name("xnvh"), tapA = net.Name("xna"), tapB = net.Name("xnb");
        string s = net.Subnet;
        net.Bridge(br);
        TestNet.Run("ip", "link", "set", br, "up");
        net.Namespace(ns, veth, $"{s}.1/24");
        TestNet.Run("ip", "link", "set", veth, "master", br);
        // A second bridge for the hot-plugged NIC, the host at s.129/25 on it: the host's pings to the
        // NIC (s.130, ip= so it has its anti-spoofing table) can only go through that bridge and tap.
        string brH = net.Name("xnbh"), tapH = net.Name("xnh");
        string macA = $"00:16:3e:5c:{net.Tag[..2]}:01", macH = $"00:16:3e:5c:{net.Tag[..2]}:02"; // Tag is lower-case hex
        net.Bridge(brH);
        TestNet.Run("ip", "addr", "add", $"{s}.129/25", "dev", brH);
        TestNet.Run("ip", "link", "set", brH, "up");
        var before = net.HostState();

        await using var x = Xenod.Without();
        var daemon = XenodProcess.Start(x.Prefix);
        try
        {
            await Xenod.WaitForAsync(() => File.Exists(Path.Combine(x.Prefix, "run/xeno/xenod.sock")), "xenod's socket", 60);
            Assert.Equal((0, ""), Created(x.Xl("create", "-q", x.PvConfig("neta", extra: Vif($"bridge={br},vifname={tapA},mac={macA}")))));
            Assert.Equal((0, ""), Created(x.Xl("create", "-q", x.PvConfig("netb", extra: Vif($"bridge={br},vifname={tapB}")))));
            Assert.True(Directory.Exists($"/sys/class/net/{br}/brif/{tapA}"));
            Assert.Equal("fe:ff:ff:ff:ff:ff", File.ReadAllText($"/sys/class/net/{tapB}/address").Trim());
            await x.WaitForMarkerAsync("neta");
            await x.WaitForMarkerAsync("netb");

            using (var a = await GuestShell.AttachAsync(x.Prefix, 1))
            using (var b = await GuestShell.AttachAsync(x.Prefix, 2))
            {
                Assert.True(await a.RunAsync($"ip link set eth0 up && ip addr add {s}.11/24 dev eth0"), a.Transcript);
                Assert.True(await b.RunAsync($"ip link set eth0 up && ip addr add {s}.12/24 dev eth0"), b.Transcript);
                Assert.True(await a.RunAsync($"ping -c 1 -w 90 {s}.12"), a.Transcript); // guest to guest
                Assert.True(await b.RunAsync($"ping -c 1 -w 90 {s}.1"), b.Transcript);  // guest to the "LAN"
            }
            Assert.Equal(0, TestNet.TryRun("ip", "netns", "exec", ns, "busybox", "ping", "-c", "1", "-w", "90", $"{s}.11").Exit);

            // A NIC hot-plugged into a: on brH with its own nft table; the guest takes s.130/25 on it.
            Assert.Equal((0, "", ""), x.Xl("network-attach", "neta", $"bridge={brH}", $"vifname={tapH}", $"mac={macH}", $"ip={s}.130"));
            using (var a = await GuestShell.AttachAsync(x.Prefix, 1))
            {
                Assert.True(await a.RunAsync($"while ! grep -q {macH} /sys/class/net/*/address; do sleep 0.2; done"), a.Transcript);
                Assert.True(await a.RunAsync($"i=$(grep -l {macH} /sys/class/net/*/address | head -n 1) && i=${{i%/address}} && i=${{i##*/}} && " +
                    $"ip link set $i up && ip addr add {s}.130/25 dev $i"), a.Transcript);
            }
            Assert.Equal(0, TestNet.TryRun("busybox", "ping", "-c", "1", "-w", "90", $"{s}.130").Exit); // the host, through brH
            var running = net.HostState();
            Assert.Contains(running, l => l.Contains($": {tapA}:", StringComparison.Ordinal));
            Assert.Contains(running, l => l.Contains($": {tapB}:", StringComparison.Ordinal));
            Assert.Contains(running, l => l.Contains($": {tapH}:", StringComparison.Ordinal));
            Assert.Contains(running, l => l.Contains($"table netdev {Xeno.Network.Filtering.NftNames.VifTable(tapH)}", StringComparison.Ordinal));
            Assert.Contains(OthersUnder(x.Prefix, daemon), p => p.EndsWith("qemu-system-x86_64", StringComparison.Ordinal)); // what the check after destroy looks for
            var listed = x.Xl("network-list", "neta");
            Assert.Equal((0, ListHeader + ListRow(0, 1, macA) + ListRow(1, 1, macH), ""), listed);

            // kill -9 of xenod; b's QEMU dies while xenod is down.
            int qemuB = QemuPid(x, 2);
            daemon.Kill();
            await daemon.WaitForExitAsync(cancel);
            Process.GetProcessById(qemuB).Kill();
            await Xenod.WaitForAsync(() => !Directory.Exists($"/proc/{qemuB}") || File.ReadAllText($"/proc/{qemuB}/stat").Contains(") Z", StringComparison.Ordinal),
                "b's QEMU to exit", 30);
            daemon = XenodProcess.Start(x.Prefix);
            await Xenod.WaitForAsync(() => x.Xl("list").Exit == 0 && !x.ListNames().Contains("netb"), "the new xenod to answer and clean up netb", 90);

            // a's taps, the hot-plugged one too, are the same interfaces (same ifindex, same line) on the
            // same bridges with the same nft tables; b's are gone.
            var readopted = net.HostState();
            Assert.Equal(running.Where(l => !l.Contains(tapB, StringComparison.Ordinal)), readopted);
            Assert.False(Directory.Exists($"/sys/class/net/{tapB}"));
            Assert.True(Directory.Exists($"/sys/class/net/{brH}/brif/{tapH}"));
            Assert.Equal(listed, x.Xl("network-list", "neta"));
            Assert.Equal((0, macH + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/0/backend/vif/1/1/mac"));
            using (var a = await GuestShell.AttachAsync(x.Prefix, 1))
                Assert.True(await a.RunAsync($"ping -c 1 -w 90 {s}.1"), a.Transcript); // traffic goes on
            Assert.Equal(0, TestNet.TryRun("busybox", "ping", "-c", "1", "-w", "90", $"{s}.130").Exit); // on the hot-plugged NIC too

            Assert.Equal((0, "", ""), x.Xl("destroy", "neta"));
            Assert.Equal(before, net.HostState());
            Assert.Empty(OthersUnder(x.Prefix, daemon)); // no QEMU or helper left beside the new xenod
            XenodProcess.Stop(daemon);
            XenodProcess.AssertNoCgroupLeft(x.Prefix);
        }
        finally
        {
            if (!daemon.HasExited)
            {
                foreach (var name in x.ListNames().Where(n => n != "Domain-0"))
                    x.Xl("destroy", name);
            }
            XenodProcess.Stop(daemon);
            daemon.Dispose();
        }
    }

    [Fact]
    public async Task ARoutedGuestReachesANamespaceBehindTheHostThroughHostRoutesAndProxyArp()
    {
        using var net = new TestNet();
        string ns = net.Name("xnrn"), uplink = net.Name("xnrh"), tap = net.Name("xnrt");
        string s = net.Subnet;
        // The "LAN" behind the host: the host is s.1 on the uplink, the namespace s.2.
        net.Namespace(ns, uplink, $"{s}.2/24");
        TestNet.Run("ip", "addr", "add", $"{s}.1/24", "dev", uplink);
        TestNet.Run("ip", "-n", ns, "route", "add", "default", "via", $"{s}.1");
        // The admin's part of a routed set-up (Xen's vif-route does not do it either): forwarding,
        // and proxy ARP on the uplink so the LAN finds the guest. Per interface, not host-wide.
        TestNet.Run("sysctl", "-q", "-w", $"net.ipv4.conf.{uplink}.forwarding=1", $"net.ipv4.conf.{uplink}.proxy_arp=1");
        var before = net.HostState();

        await using (var x = await Xenod.StartAsync())
        {
            Assert.Equal((0, ""), Created(x.Xl("create", "-q", x.PvConfig("netr",
                extra: Vif($"script=vif-route,ip={s}.130,gatewaydev={uplink},vifname={tap}")))));
            // vif-route's work: the main address /32, proxy ARP, a /32 route to the guest.
            Assert.Contains($"inet {s}.1/32", TestNet.Run("ip", "-o", "addr", "show", "dev", tap), StringComparison.Ordinal);
            Assert.Equal("1", File.ReadAllText($"/proc/sys/net/ipv4/conf/{tap}/proxy_arp").Trim());
            Assert.Contains($"{s}.130 dev {tap} scope link src {s}.1 metric 2", TestNet.Run("ip", "route", "show", $"{s}.130"), StringComparison.Ordinal);
            TestNet.Run("sysctl", "-q", "-w", $"net.ipv4.conf.{tap}.forwarding=1");
            await x.WaitForMarkerAsync("netr");
            using (var g = await GuestShell.AttachAsync(x.Prefix, 1))
            {
                Assert.True(await g.RunAsync($"ip link set eth0 up && ip addr add {s}.130/24 dev eth0"), g.Transcript);
                Assert.True(await g.RunAsync($"ping -c 1 -w 90 {s}.2"), g.Transcript);
            }
            Assert.Equal(0, TestNet.TryRun("ip", "netns", "exec", ns, "busybox", "ping", "-c", "1", "-w", "90", $"{s}.130").Exit);
            Assert.Equal((0, "", ""), x.Xl("destroy", "netr"));
            Assert.Equal(before, net.HostState());
        }
    }

    private static (int, string) Created((int Exit, string Out, string Err) r) => (r.Exit, r.Err);

    /// <summary>Every process but xenod whose command line names its prefix (its QEMUs, their helpers), as "pid program".</summary>
    private static List<string> OthersUnder(string prefix, Process daemon)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (pid != daemon.Id && cmdline.Contains(prefix, StringComparison.Ordinal))
                found.Add($"{pid} {Path.GetFileName(cmdline.Split('\0')[0])}");
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static int QemuPid(Xenod x, int domid) =>
        int.Parse(File.ReadAllText(Path.Combine(x.Prefix, $"run/xeno/d{domid}/qemu.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
