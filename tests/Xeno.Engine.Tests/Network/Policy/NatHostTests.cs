using Xeno.Engine.Network.Nat;
using Xeno.Network.Nat;

namespace Xeno.Engine.Tests.Network.Policy;

/// <summary>
/// A NAT vif on real interfaces: a namespace "guest" behind a veth standing in for the vif, a
/// namespace "uplink" behind another. The guest gets Xen's address by DHCP from the vif's own
/// dnsmasq, reaches the uplink only through masquerading (the uplink has no route back), and
/// the uplink cannot reach the guest unsolicited. Down leaves nothing behind.
/// </summary>
[Trait("Category", "Host")]
[Collection(nameof(HostNet))]
public sealed class NatHostTests
{
    [Fact]
    public async Task GuestGetsItsLeaseReachesTheUplinkMasqueradedAndIsNotReachableFromIt()
    {
        using var net = new HostNet();
        string tap = "xn" + net.Suffix, guestIf = "gn" + net.Suffix, uplink = "xu" + net.Suffix, uplinkIf = "un" + net.Suffix;
        const string mac = "00:16:3e:5a:01:02";
        int domid = Random.Shared.Next(2000, 60000);
        int third = Random.Shared.Next(0, 256);
        string Up(int last) => $"10.248.{third}.{last}";
        string guestNs = net.Namespace("xg", tap, guestIf, mac);
        string uplinkNs = net.Namespace("xu", uplink, uplinkIf, "02:00:00:5a:01:03");
        HostNet.Run("ip", "addr", "add", Up(1) + "/24", "dev", uplink);
        HostNet.In(uplinkNs, "ip", "addr", "add", Up(2) + "/24", "dev", uplinkIf);

        string runDir = Path.Combine(Path.GetTempPath(), "xeno-nat-" + net.Suffix);
        var (plan, error) = NatVifPlan.For(domid, 0, tap, mac, null, uplink, runDir);
        Assert.Null(error);
        try
        {
            await NatVif.UpAsync(plan!);
            Assert.True(await NatVif.IsUpAsync(plan!)); // what a restarted xenod checks before re-adopting
            int pid = DnsmasqServer.RunningPid(plan!.Dhcp)!.Value;

            // The guest's DHCP client: busybox udhcpc, with a script that prints what it got.
            string script = Path.Combine(runDir, "udhcpc.sh");
            File.WriteAllText(script, "#!/bin/sh\necho \"lease:$1 ip=$ip mask=$subnet router=$router host=$hostname\"\n");
            if (OperatingSystem.IsLinux()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            string dhcp = HostNet.In(guestNs, "busybox", "udhcpc", "-i", guestIf, "-n", "-q", "-f", "-t", "10", "-T", "2", "-O", "hostname", "-s", script);
            var a = plan.Addresses;
            Assert.Contains($"lease:bound ip={a.Guest} mask=255.255.0.0 router={a.Router} host=dom{domid}", dhcp);
            Assert.Contains(mac + " " + a.Guest + " dom" + domid, File.ReadAllText(plan.Dhcp.LeaseFile));

            HostNet.In(guestNs, "ip", "addr", "add", a.Guest + "/16", "dev", guestIf);
            HostNet.In(guestNs, "ip", "route", "add", "default", "via", a.Router.ToString());
            // The uplink knows no way back to 10.<domid>: an answer proves the masquerade.
            Assert.True(HostNet.Pings(guestNs, Up(2)));

            // Unsolicited from the uplink, with a route to the guest: dropped at forward.
            HostNet.In(uplinkNs, "ip", "route", "add", a.Guest + "/32", "via", Up(1));
            Assert.False(HostNet.Pings(uplinkNs, a.Guest.ToString(), tries: 2));
            // ... and it is that rule that holds it: without it the guest answers.
            HostNet.Run("nft", "flush", "chain", "ip", Xeno.Network.Filtering.NftNames.NatTable(tap), "forward");
            Assert.True(HostNet.Pings(uplinkNs, a.Guest.ToString()));

            await NatVif.DownAsync(plan);
            Assert.False(await NatVif.IsUpAsync(plan));
            Assert.False(Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/cmdline").Contains(plan.Dhcp.Config, StringComparison.Ordinal));
            Assert.False(File.Exists(plan.Dhcp.PidFile));
            Assert.DoesNotContain(a.Guest.ToString(), HostNet.Run("ip", "route", "show", "dev", tap));
            await NatVif.DownAsync(plan); // again: nothing left to undo, no error
        }
        finally
        {
            if (plan != null) { try { await NatVif.DownAsync(plan); } catch (Exception) { } }
            if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        }
        net.Dispose();
        Assert.Empty(net.Leftovers());
    }
}
