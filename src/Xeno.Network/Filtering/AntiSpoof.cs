using System.Net;
using System.Net.Sockets;

namespace Xeno.Network.Filtering;

/// <summary>
/// What a guest may send from on one vif: its MAC and its <c>ip=</c> addresses. An entry with a
/// /prefix allows that whole network as Xen's <c>iptables -s</c> does (a routed subnet behind the
/// guest); entries are kept as nft writes them ("10.0.0.5", "198.51.100.0/28"), host bits
/// cleared, and one that a broader entry covers dropped (nft refuses overlapping intervals).
/// </summary>
public sealed record AntiSpoof(string Mac, IReadOnlyList<string> IPv4, IReadOnlyList<string> IPv6)
{
    /// <summary>From a vif's MAC and <c>ip=</c> value; an invalid <c>ip=</c> is an error naming it.</summary>
    public static (AntiSpoof? Value, string? Error) For(string mac, string ip)
    {
        if (!IsMac(mac)) return (null, $"invalid MAC address `{mac}'");
        var (list, error) = PolicyAddressList.Parse(ip);
        if (error != null) return (null, error);
        var nets = list!.Select(a => Network(a.Address, a.PrefixLength ?? (a.IsIPv6 ? 128 : 32))).Distinct().ToList();
        var kept = nets.Where(n => !nets.Any(o => o != n && Covers(o, n))).ToList();
        return (new AntiSpoof(mac.ToLowerInvariant(),
            kept.Where(n => n.Address.AddressFamily == AddressFamily.InterNetwork).Select(Text).ToList(),
            kept.Where(n => n.Address.AddressFamily == AddressFamily.InterNetworkV6).Select(Text).ToList()), null);
    }

    /// <summary>The guest's EUI-64 link-local address (fe80::/64 from its MAC), which IPv6 guests
    /// need for neighbour discovery and router solicitations.</summary>
    public IPAddress LinkLocal
    {
        get
        {
            byte[] m = Mac.Split(':').Select(h => Convert.ToByte(h, 16)).ToArray();
            var b = new byte[16];
            b[0] = 0xfe; b[1] = 0x80;
            b[8] = (byte)(m[0] ^ 0x02); b[9] = m[1]; b[10] = m[2]; b[11] = 0xff;
            b[12] = 0xfe; b[13] = m[3]; b[14] = m[4]; b[15] = m[5];
            return new IPAddress(b);
        }
    }

    internal static bool IsMac(string mac) =>
        mac.Length == 17 && Enumerable.Range(0, 17).All(i => i % 3 == 2 ? mac[i] == ':' : char.IsAsciiHexDigit(mac[i]));

    private readonly record struct Net(IPAddress Address, int Prefix);

    private static Net Network(IPAddress a, int prefix)
    {
        byte[] b = a.GetAddressBytes();
        for (int i = 0; i < b.Length; i++)
        {
            int keep = Math.Clamp(prefix - i * 8, 0, 8);
            b[i] &= (byte)(0xff << (8 - keep));
        }
        return new Net(new IPAddress(b), prefix);
    }

    private static bool Covers(Net wide, Net narrow) =>
        wide.Address.AddressFamily == narrow.Address.AddressFamily && wide.Prefix <= narrow.Prefix &&
        Network(narrow.Address, wide.Prefix).Address.Equals(wide.Address);

    private static string Text(Net n) =>
        n.Prefix == (n.Address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            ? n.Address.ToString()
            : n.Address + "/" + n.Prefix.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
