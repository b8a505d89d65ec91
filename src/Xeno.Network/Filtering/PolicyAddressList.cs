using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Xeno.Network.Filtering;

/// <summary>One address of a vif's <c>ip=</c> list, with the /prefix the admin wrote, if any.</summary>
public sealed record PolicyAddress(IPAddress Address, int? PrefixLength)
{
    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;
}

/// <summary>
/// A vif's <c>ip=</c> value: space-separated IPv4/IPv6 addresses, each optionally with a
/// /prefix, as Xen's scripts take it. Parsed strictly: it comes from a config file or from the
/// xenstore backend node, and what it yields ends up in firewall rules.
/// </summary>
public static class PolicyAddressList
{
    public static (IReadOnlyList<PolicyAddress>? Addresses, string? Error) Parse(string ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        var list = new List<PolicyAddress>();
        foreach (var token in ip.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var one = ParseOne(token);
            if (one.Error != null) return (null, one.Error);
            var addr = new PolicyAddress(one.Address!, one.PrefixLength);
            if (!list.Contains(addr)) list.Add(addr);
        }
        if (list.Count == 0) return (null, "ip= lists no address");
        return (list, null);
    }

    public static (IPAddress? Address, int? PrefixLength, string? Error) ParseOne(string token)
    {
        string text = token;
        int? prefix = null;
        int slash = token.IndexOf('/');
        if (slash >= 0)
        {
            text = token[..slash];
            string p = token[(slash + 1)..];
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) ||
                !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                return (null, null, $"invalid address `{token}' in ip=");
            prefix = n;
        }
        // IPAddress.TryParse also takes "1", "0x1.2" and scope ids: accept only the plain
        // dotted-quad and colon forms, so what the rules say is what the admin wrote.
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiHexDigit(c) || c is '.' or ':')) ||
            !IPAddress.TryParse(text, out var address))
            return (null, null, $"invalid address `{token}' in ip=");
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (v4 && (text.Count(c => c == '.') != 3 || text.Contains(':') ||
                   text.Split('.').Any(o => o.Length == 0 || o.Length > 3 || (o.Length > 1 && o[0] == '0') || !o.All(char.IsAsciiDigit))))
            return (null, null, $"invalid address `{token}' in ip=");
        if (prefix is int pl && pl > (v4 ? 32 : 128))
            return (null, null, $"invalid prefix length in `{token}' in ip=");
        return (address, prefix, null);
    }
}
