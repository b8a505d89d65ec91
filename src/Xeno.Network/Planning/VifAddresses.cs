using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Xeno.Network.Planning;

/// <summary>One <c>ip=</c> entry: an address, optionally with a prefix length ("10.0.0.5", "10.0.1.0/24", "2001:db8::5").</summary>
public sealed record VifAddress(IPAddress Address, int PrefixLength)
{
    public bool IsIPv4 => Address.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>"a.b.c.d/n" (or the IPv6 form), as ip(8) takes a route destination.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");
}

/// <summary>
/// <c>ip=</c> is a space-separated list the hotplug scripts loop over (Xen passes it on
/// unchecked; a bad entry fails later inside ip(8)). Xeno parses it up front, refusing
/// anything that is not an address, so no half-made vif is left behind.
/// </summary>
public static class VifAddresses
{
    /// <summary>The addresses of <paramref name="ip"/> (null or blank: none).</summary>
    public static IReadOnlyList<VifAddress> Parse(string? ip)
    {
        var result = new List<VifAddress>();
        if (string.IsNullOrWhiteSpace(ip))
            return result;
        foreach (var word in ip.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            result.Add(ParseOne(word));
        return result;
    }

    private static VifAddress ParseOne(string word)
    {
        var slash = word.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? word : word[..slash];
        // IPAddress.TryParse also takes "1", "0x1" and scope ids: require the dotted or colon form.
        bool looksV4 = addressText.Count(c => c == '.') == 3 && addressText.All(c => char.IsAsciiDigit(c) || c == '.');
        bool looksV6 = addressText.Contains(':', StringComparison.Ordinal) && addressText.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.');
        if (!(looksV4 || looksV6) || !IPAddress.TryParse(addressText, out var address))
            throw new VifPlanException($"ip=: \"{Shown(word)}\" is not an IPv4 or IPv6 address");
        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int prefix = max;
        if (slash >= 0)
        {
            var prefixText = word[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit)
                || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
                throw new VifPlanException($"ip=: \"{Shown(word)}\" has a bad prefix length (0 to {max})");
        }
        return new VifAddress(address, prefix);
    }

    private static string Shown(string text) =>
        new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
