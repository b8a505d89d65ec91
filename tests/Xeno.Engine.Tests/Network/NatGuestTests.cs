using Xeno.Engine.Tests.Support;
using Xeno.Network.Filtering;

namespace Xeno.Engine.Tests.Network;

/// <summary>
/// One real guest (one boot) on a NAT vif with ip=: it gets its address by DHCP from the vif's
/// dnsmasq, reaches a namespace "outside" (behind the uplink, with no route back) only through
/// the host's masquerade, is not reachable from outside unsolicited, and is dropped when it
/// changes its address or its MAC (anti-spoofing, on because ip= is given). After destroy
/// the host has no interface, route, nft table, dnsmasq or file left of it.
/// </summary>
public sealed class NatGuestTests
{
    [Fact]
    public async Task ANatGuestGetsItsLeaseReachesOutsideMasqueradedIsHeldToItsAddressesAndLeavesNothing()
    {
        using var net = new TestNet();
        string ns = net.Name("xnno"), uplink = net.Name("xnnu"), tap = net.Name("xnnt");
        string s = net.Subnet; // the guest's subnet: guest s.10 (ip=), router s.137 (vif-nat's +127)
        string o = $"10.{250 + Random.Shared.Next(5)}.{Random.Shared.Next(256)}"; // outside
        string mac = $"00:16:3e:{Random.Shared.Next(256):x2}:{Random.Shared.Next(256):x2}:{Random.Shared.Next(0, 255):x2}";
        string spoofMac = mac[..^2] + (Convert.ToInt32(mac[^2..], 16) + 1).ToString("x2");
        net.Namespace(ns, uplink, $"{o}.2/24");
        TestNet.Run("ip", "addr", "add", $"{o}.1/24", "dev", uplink);
        var before = net.HostState();

        await using (var x = await Xenod.StartAsync())
        {
            Assert.Empty(Dnsmasqs(x.Prefix));
            var created = x.Xl("create", "-q", x.PvConfig("nat",
                extra: $"vif=['script=vif-nat,ip={s}.10,mac={mac},gatewaydev={uplink},vifname={tap}']\n"));
            Assert.True(created.Exit == 0, created.Err);
            // vif-nat's host end: the router /32 on the vif, a route to the guest, the guest's DHCP server, the NAT table.
            Assert.Contains($"inet {s}.137/32", TestNet.Run("ip", "-o", "addr", "show", "dev", tap), StringComparison.Ordinal);
            Assert.Contains($"{s}.10 dev {tap}", TestNet.Run("ip", "route", "show", $"{s}.10"), StringComparison.Ordinal);
            Assert.Single(Dnsmasqs(x.Prefix));
            Assert.Contains($"ip {NftNames.NatTable(tap)}", TestNet.Run("nft", "list", "tables"), StringComparison.Ordinal);
            await x.WaitForMarkerAsync("nat");

            using (var g = await GuestShell.AttachAsync(x.Prefix, 1))
            {
                Assert.True(await g.RunAsync(
                    "printf '#!/bin/sh\\n[ \"$1\" = bound ] || exit 0\\nip addr add $ip/$mask dev $interface\\nip route add default via $router\\n' > /tmp/dhcp.sh && chmod +x /tmp/dhcp.sh"), g.Transcript);
                Assert.True(await g.RunAsync("ip link set eth0 up && udhcpc -i eth0 -n -q -t 20 -T 3 -s /tmp/dhcp.sh"), g.Transcript);
                Assert.True(await g.RunAsync($"ip -o addr show dev eth0 | grep -q 'inet {s}.10/24'"), g.Transcript);
                // outside has no route to s: an answer proves the masquerade.
                Assert.True(await g.RunAsync($"ping -c 1 -w 90 {o}.2"), g.Transcript);
                Assert.Equal(0, TestNet.TryRun("busybox", "ping", "-c", "1", "-w", "60", $"{s}.10").Exit); // the host reaches its guest

                // Unsolicited from outside, even with a route to the guest: dropped.
                TestNet.Run("ip", "-n", ns, "route", "add", $"{s}.10/32", "via", $"{o}.1");
                Assert.NotEqual(0, TestNet.TryRun("ip", "netns", "exec", ns, "busybox", "ping", "-c", "1", "-w", "5", $"{s}.10").Exit);

                // Anti-spoofing: another address of the guest's own subnet gets nowhere; its own still does.
                Assert.True(await g.RunAsync($"ip addr add {s}.11/24 dev eth0"), g.Transcript);
                Assert.False(await g.RunAsync($"ping -c 1 -w 10 -I {s}.11 {o}.2"), g.Transcript);
                Assert.True(await g.RunAsync($"ip addr del {s}.11/24 dev eth0 && ping -c 1 -w 60 {o}.2"), g.Transcript);
                // ... and so does another MAC (its ARP for the router is dropped too); back on its own MAC it works.
                string Relink(string m) => $"ip link set eth0 down && ip link set eth0 address {m} && ip link set eth0 up && ip route replace default via {s}.137";
                Assert.True(await g.RunAsync(Relink(spoofMac)), g.Transcript);
                Assert.False(await g.RunAsync($"ping -c 1 -w 10 {o}.2"), g.Transcript);
                Assert.True(await g.RunAsync(Relink(mac)), g.Transcript);
                Assert.True(await g.RunAsync($"ping -c 1 -w 60 {o}.2"), g.Transcript);
            }

            Assert.Equal((0, "", ""), x.Xl("destroy", "nat"));
            Assert.Empty(Dnsmasqs(x.Prefix));
            Assert.False(Directory.Exists(Path.Combine(x.Prefix, "run/xeno/d1")));
            Assert.DoesNotContain(NftNames.NatTable(tap), TestNet.Run("nft", "list", "tables"), StringComparison.Ordinal);
            Assert.DoesNotContain(NftNames.VifTable(tap), TestNet.Run("nft", "list", "tables"), StringComparison.Ordinal);
        }
        TestNet.TryRun("ip", "-n", ns, "route", "del", $"{s}.10/32");
        Assert.Equal(before, net.HostState());
    }

    /// <summary>
    /// kill -9 of xenod with a NAT guest: the next xenod takes its dnsmasq and NAT table over as
    /// they are (same process, nothing made twice); killed again while the guest's QEMU dies, the
    /// next xenod removes them with the domain. The guest need not boot for this.
    /// </summary>
    [Fact]
    public async Task ARestartedXenodReadoptsANatVifAndRemovesItWhenTheGuestDiedMeanwhile()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var net = new TestNet();
        string tap = net.Name("xnnk");
        var before = net.HostState();
        await using var x = Xenod.Without();
        var daemon = XenodProcess.Start(x.Prefix);
        try
        {
            await Xenod.WaitForAsync(() => File.Exists(Path.Combine(x.Prefix, "run/xeno/xenod.sock")), "xenod's socket", 60);
            var created = x.Xl("create", "-q", x.PvConfig("natk", extra: $"vif=['script=vif-nat,ip={net.Subnet}.10,vifname={tap}']\n"));
            Assert.True(created.Exit == 0, created.Err);
            int dnsmasq = Assert.Single(Dnsmasqs(x.Prefix));
            var running = net.HostState();
            Assert.Contains(running, l => l.Contains(NftNames.NatTable(tap), StringComparison.Ordinal));

            daemon.Kill();
            await daemon.WaitForExitAsync(cancel);
            daemon = XenodProcess.Start(x.Prefix);
            await Xenod.WaitForAsync(() => x.Xl("list").Exit == 0, "the new xenod to answer", 90);
            Assert.Contains("natk", x.ListNames());
            Assert.Equal([dnsmasq], Dnsmasqs(x.Prefix)); // the same dnsmasq, no second one
            Assert.Equal(running, net.HostState());

            int qemu = int.Parse(File.ReadAllText(Path.Combine(x.Prefix, "run/xeno/d1/qemu.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            daemon.Kill();
            await daemon.WaitForExitAsync(cancel);
            System.Diagnostics.Process.GetProcessById(qemu).Kill();
            await Xenod.WaitForAsync(() => !Directory.Exists($"/proc/{qemu}") || File.ReadAllText($"/proc/{qemu}/stat").Contains(") Z", StringComparison.Ordinal),
                "the guest's QEMU to exit", 30);
            daemon = XenodProcess.Start(x.Prefix);
            await Xenod.WaitForAsync(() => x.Xl("list").Exit == 0 && !x.ListNames().Contains("natk"), "the new xenod to clean up natk", 90);
            Assert.Empty(Dnsmasqs(x.Prefix));
            Assert.False(Directory.Exists(Path.Combine(x.Prefix, "run/xeno/d1")));
            Assert.Equal(before, net.HostState());
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

    /// <summary>dnsmasq processes started for this xenod (their config lives under its prefix).</summary>
    private static List<int> Dnsmasqs(string prefix)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var argv = cmdline.Split('\0');
            if (Path.GetFileName(argv[0]) == "dnsmasq" && cmdline.Contains(prefix, StringComparison.Ordinal)) found.Add(pid);
        }
        return found;
    }
}
