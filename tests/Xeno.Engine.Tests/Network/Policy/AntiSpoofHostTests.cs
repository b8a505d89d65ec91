using Xeno.Engine.Network.Filtering;
using Xeno.Network.Filtering;

namespace Xeno.Engine.Tests.Network.Policy;

/// <summary>
/// The anti-spoofing table on a real interface: a namespace sends through a veth whose host end
/// stands in for the vif; what it sends from its own MAC and ip= address gets through, anything
/// else is dropped at the host end's ingress. Each attack is first shown to work without the
/// table, so the test fails if the filter does not hold.
/// </summary>
[Trait("Category", "Host")]
[Collection(nameof(HostNet))]
public sealed class AntiSpoofHostTests
{
    [Fact]
    public async Task OnlyTheGuestsMacAndAddressGetThroughAndArpPoisoningFails()
    {
        using var net = new HostNet();
        string tap = "xs" + net.Suffix, guestIf = "gs" + net.Suffix;
        const string mac = "00:16:3e:5a:00:02";
        int third = Random.Shared.Next(0, 256);
        string Addr(int last) => $"10.249.{third}.{last}";
        string ns = net.Namespace("xg", tap, guestIf, mac);
        HostNet.Run("ip", "addr", "add", Addr(1) + "/24", "dev", tap);
        HostNet.In(ns, "ip", "addr", "add", Addr(2) + "/24", "dev", guestIf);
        HostNet.In(ns, "ip", "addr", "add", Addr(3) + "/24", "dev", guestIf); // the spoofed address
        try
        {
            // Without the table: every trick works (the test would see a broken filter).
            Assert.True(HostNet.Pings(ns, Addr(1), Addr(2)));
            Assert.True(HostNet.Pings(ns, Addr(1), Addr(3)));
            Assert.True(Poisons(ns, tap, guestIf, Addr(9), mac));

            var (spoof, error) = AntiSpoof.For(mac, Addr(2));
            Assert.Null(error);
            await VifTransmitFilter.ApplyAsync(new VifTransmitPolicy(tap, spoof, null));
            Assert.True(await VifTransmitFilter.ExistsAsync(tap));

            Assert.True(HostNet.Pings(ns, Addr(1), Addr(2)));
            Assert.False(HostNet.Pings(ns, Addr(1), Addr(3), tries: 2));
            Assert.False(Poisons(ns, tap, guestIf, Addr(10), mac));

            // Another MAC, even with the right address, reaches nothing.
            HostNet.In(ns, "ip", "link", "set", guestIf, "address", "00:16:3e:5a:00:99");
            HostNet.Run("ip", "neigh", "flush", "dev", tap);
            Assert.False(HostNet.Pings(ns, Addr(1), Addr(2), tries: 2));
            HostNet.In(ns, "ip", "link", "set", guestIf, "address", mac);
            Assert.True(HostNet.Pings(ns, Addr(1), Addr(2)));

            await VifTransmitFilter.RemoveAsync(tap);
            Assert.False(await VifTransmitFilter.ExistsAsync(tap));
            await VifTransmitFilter.RemoveAsync(tap); // twice is fine: teardown after a half-made start
        }
        finally
        {
            await VifTransmitFilter.RemoveAsync(tap);
        }
        net.Dispose();
        Assert.Empty(net.Leftovers());
    }

    /// <summary>The guest claims <paramref name="victim"/> with gratuitous ARP; the host has a
    /// stale entry for the victim at another MAC. Poisoned when the entry moves to the guest's MAC.</summary>
    private static bool Poisons(string ns, string tap, string guestIf, string victim, string guestMac)
    {
        HostNet.Run("ip", "neigh", "replace", victim, "lladdr", "02:00:00:00:00:09", "nud", "stale", "dev", tap);
        HostNet.In(ns, "ip", "addr", "add", victim + "/32", "dev", guestIf);
        try
        {
            for (int i = 0; i < 3; i++)
            {
                HostNet.TryIn(ns, "busybox", "arping", "-U", "-c", "2", "-w", "2", "-I", guestIf, "-s", victim, victim);
                if (HostNet.Run("ip", "neigh", "show", victim, "dev", tap).Contains(guestMac, StringComparison.OrdinalIgnoreCase))
                    return true;
            }
            return false;
        }
        finally
        {
            HostNet.In(ns, "ip", "addr", "del", victim + "/32", "dev", guestIf);
            HostNet.TryRun("ip", "neigh", "del", victim, "dev", tap);
        }
    }
}
