using System.Text;

namespace Xeno.Network.Filtering;

/// <summary>
/// Names of Xeno's nftables objects. Every table is Xeno's own (prefix "xeno_"), so nothing an
/// admin or another tool wrote is ever touched. Per-vif tables are named after the host
/// interface, which is unique on the host even when several xenods (test prefixes) run at once.
/// </summary>
public static class NftNames
{
    public const string TablePrefix = "xeno_";

    /// <summary>IFNAMSIZ less the NUL.</summary>
    private const int MaxInterfaceName = 15;

    /// <summary>The netdev table holding a vif's guest-transmit filter and rate limit.</summary>
    public static string VifTable(string tap) => TablePrefix + "vif_" + Encode(tap);

    /// <summary>The ip table holding a NAT vif's masquerade and forward rules.</summary>
    public static string NatTable(string tap) => TablePrefix + "nat_" + Encode(tap);

    /// <summary>An interface name as an nft identifier: letters and digits kept, everything
    /// else (including '_') as _xx hex, so two names never map to one table.</summary>
    internal static string Encode(string name)
    {
        CheckInterfaceName(name);
        var sb = new StringBuilder(name.Length * 2);
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else sb.Append('_').Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>An interface name as an nft quoted string. Linux allows almost any byte in a
    /// name; nft's strings do not, so names with quotes, backslashes or controls are refused.</summary>
    public static string Quoted(string name)
    {
        CheckInterfaceName(name);
        return "\"" + name + "\"";
    }

    private static void CheckInterfaceName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxInterfaceName)
            throw new ArgumentException($"interface name `{name}' must be 1..{MaxInterfaceName} characters", nameof(name));
        foreach (char c in name)
            if (c <= ' ' || c > '~' || c is '"' or '\\' or '/' or ':' or '\'')
                throw new ArgumentException($"interface name `{name}' has a character Xeno does not put in firewall rules", nameof(name));
    }
}
