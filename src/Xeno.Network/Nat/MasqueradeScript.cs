using System.Text;
using Xeno.Network.Filtering;

namespace Xeno.Network.Nat;

/// <summary>
/// A NAT vif's nftables rules in an ip table of its own: what the guest sends out is
/// masqueraded (as Xen's old network-nat did on its netdev), and only replies come back:
/// forwarded traffic to the guest that conntrack does not know is dropped, so nothing on the
/// uplink (or elsewhere) reaches the guest unsolicited.
/// </summary>
public static class MasqueradeScript
{
    public static string Apply(NatVifPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string table = NftNames.NatTable(plan.Tap);
        string tap = NftNames.Quoted(plan.Tap);
        string outbound = plan.Uplink == null ? $"oifname != {tap}" : $"oifname {NftNames.Quoted(plan.Uplink)}";
        var s = new StringBuilder(Remove(plan.Tap));
        s.Append($"table ip {table} {{\n");
        s.Append("\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        s.Append($"\t\tiifname {tap} {outbound} masquerade\n\t}}\n");
        s.Append("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n");
        s.Append($"\t\toifname {tap} ct state established,related accept\n");
        s.Append($"\t\toifname {tap} drop\n\t}}\n");
        s.Append("}\n");
        return s.ToString();
    }

    public static string Remove(string tap)
    {
        string table = NftNames.NatTable(tap);
        return $"add table ip {table}\ndelete table ip {table}\n";
    }
}
