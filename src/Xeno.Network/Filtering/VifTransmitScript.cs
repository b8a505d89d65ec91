using System.Globalization;
using System.Net;
using System.Text;

namespace Xeno.Network.Filtering;

/// <summary>
/// A vif's transmit policy as an nftables script for <c>nft -f</c>: one netdev table per vif
/// with a chain on the host end's ingress hook. The script replaces the table in one
/// transaction (add, delete, create), so applying it again (a changed rate) never leaves the
/// vif unfiltered for a moment, and an empty policy just removes the table.
/// </summary>
public static class VifTransmitScript
{
    public const string ChainName = "guest_tx";
    /// <summary>Early, so the allow-list runs before any other ingress chain an admin adds.</summary>
    public const int Priority = -300;

    public static string Apply(VifTransmitPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        string table = NftNames.VifTable(policy.Tap);
        var s = new StringBuilder();
        s.Append(Remove(policy.Tap));
        if (policy.IsEmpty) return s.ToString();

        var spoof = policy.AntiSpoof;
        string verdict = spoof == null ? "accept" : "drop";
        s.Append("table netdev ").Append(table).Append(" {\n");
        s.Append("\tchain ").Append(ChainName).Append(" {\n");
        s.Append("\t\ttype filter hook ingress device ").Append(NftNames.Quoted(policy.Tap))
         .Append(" priority ").Append(Priority.ToString(CultureInfo.InvariantCulture))
         .Append("; policy ").Append(verdict).Append(";\n");

        if (policy.Rate is { } rate)
            s.Append(Invariant($"\t\tlimit rate over {rate.BytesPerSecond} bytes/second burst {rate.BurstBytes} bytes drop\n"));

        if (spoof != null)
        {
            // An allow-list under a drop policy: anything not listed (other MACs, other
            // addresses, other ethertypes, VLAN tags, IPv6 unless ip= lists v6) is dropped.
            string mac = "ether saddr " + spoof.Mac;
            // ARP: Ethernet/IPv4 only, sender MAC and IP the guest's own (0.0.0.0: RFC 5227 probes).
            var arpIps = spoof.IPv4.Any(e => e.StartsWith("0.0.0.0/", StringComparison.Ordinal)) ? spoof.IPv4 : spoof.IPv4.Append("0.0.0.0").Distinct();
            s.Append("\t\t").Append(mac).Append(" arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp saddr ether ")
             .Append(spoof.Mac).Append(" arp saddr ip ").Append(Set(arpIps)).Append(" accept\n");
            if (spoof.IPv4.Count > 0)
                s.Append("\t\t").Append(mac).Append(" ip saddr ").Append(Set(spoof.IPv4)).Append(" accept\n");
            // A DHCP client has no address yet: DISCOVER/REQUEST go from 0.0.0.0 to broadcast.
            s.Append("\t\t").Append(mac).Append(" ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 accept\n");
            if (spoof.IPv6.Count > 0)
            {
                var v6 = spoof.IPv6.Any(e => e.Contains('/', StringComparison.Ordinal) && Covers6(e, spoof.LinkLocal)) ? spoof.IPv6 : spoof.IPv6.Append(spoof.LinkLocal.ToString()).Distinct();
                s.Append("\t\t").Append(mac).Append(" ip6 saddr ").Append(Set(v6)).Append(" accept\n");
                // Duplicate address detection and MLD reports go out from :: before an address is usable.
                s.Append("\t\t").Append(mac).Append(" ip6 saddr :: icmpv6 type { nd-neighbor-solicit, mld2-listener-report } accept\n");
            }
        }
        s.Append("\t}\n}\n");
        return s.ToString();
    }

    /// <summary>Removes the vif's table if it exists (the add makes the delete never fail).</summary>
    public static string Remove(string tap)
    {
        string table = NftNames.VifTable(tap);
        return $"add table netdev {table}\ndelete table netdev {table}\n";
    }

    private static string Set(IEnumerable<string> items) => "{ " + string.Join(", ", items) + " }";

    /// <summary>Whether an ip= network already holds the link-local address (nft refuses overlaps).</summary>
    private static bool Covers6(string network, IPAddress a)
    {
        var (list, _) = PolicyAddressList.Parse(network);
        var n = list![0];
        byte[] x = n.Address.GetAddressBytes(), y = a.GetAddressBytes();
        int prefix = n.PrefixLength ?? 128;
        for (int i = 0; i < 16; i++)
        {
            int keep = Math.Clamp(prefix - i * 8, 0, 8);
            byte mask = (byte)(0xff << (8 - keep));
            if ((x[i] & mask) != (y[i] & mask)) return false;
        }
        return true;
    }

    private static string Invariant(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
}
