using System.Net;
using System.Net.Sockets;

namespace Xeno.Network.Filtering;

/// <summary>What a guest may send from on one vif: its MAC and its <c>ip=</c> addresses.</summary>
public sealed record AntiSpoof(string Mac, IReadOnlyList<IPAddress> IPv4, IReadOnlyList<IPAddress> IPv6)
{
    /// <summary>From a vif's MAC and <c>ip=</c> value; an invalid <c>ip=</c> is an error naming it.</summary>
    public static (AntiSpoof? Value, string? Error) For(string mac, string ip)
    {
        if (!IsMac(mac)) return (null, $"invalid MAC address `{mac}'");
        var (list, error) = PolicyAddressList.Parse(ip);
        if (error != null) return (null, error);
        var v4 = list!.Where(a => !a.IsIPv6).Select(a => a.Address).ToList();
        var v6 = list!.Where(a => a.IsIPv6).Select(a => a.Address).ToList();
        return (new AntiSpoof(mac.ToLowerInvariant(), v4, v6), null);
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

    internal static bool IsV6(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6;
}
