using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Commands.Network;

/// <summary>`xl network-detach &lt;Domain&gt; &lt;DevId|mac&gt;`, as Xen 4.17's main_networkdetach.</summary>
public static class NetworkDetachCommand
{
    public static readonly XlCommand Definition = new(
        "network-detach", Run, Modifies: true, CanDryRun: false,
        "Destroy a domain's virtual network device", "<Domain> <DevId|mac>", null);

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Definition, "", [], args, 2, out var exit);
        if (p is null) return exit;
        string which = p.Operands[1];
        return DomainArgs.Guard(ctx, client =>
        {
            var nics = client.ListNicsAsync(p.Operands[0]).Sync();
            if (Find(nics, which) is not { } nic)
            {
                ctx.Err.Write($"Unknown device {which}.\n");
                return 1;
            }
            try
            {
                client.DetachNicAsync(p.Operands[0], new NicDetachRequest { Devid = nic.Devid }).Sync();
                return 0;
            }
            catch (XenodException e) when (e.Kind != ApiErrorKind.Unreachable)
            {
                ctx.Err.Write(e.Message + "\nlibxl_device_nic_del failed.\n");
                return 1;
            }
        });
    }

    /// <summary>An argument with ':' is a MAC (libxl_mac_to_device_nic), else a devid read by atoi.</summary>
    public static NicInfo? Find(IReadOnlyList<NicInfo> nics, string which)
    {
        ArgumentNullException.ThrowIfNull(nics);
        ArgumentNullException.ThrowIfNull(which);
        if (!which.Contains(':', StringComparison.Ordinal))
        {
            int devid = Atoi(which);
            return nics.FirstOrDefault(n => n.Devid == devid);
        }
        var mac = ParseMac(which);
        return mac is null ? null : nics.FirstOrDefault(n => string.Equals(n.Mac, mac, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>libxl__parse_mac: six pairs of hex digits, each pair three characters after the last; separators are not checked.</summary>
    internal static string? ParseMac(string s)
    {
        var bytes = new string[6];
        int pos = 0;
        for (int i = 0; i < 6; i++, pos += 3)
        {
            if (pos >= s.Length) return null;
            if (pos + 1 >= s.Length || !Uri.IsHexDigit(s[pos]) || !Uri.IsHexDigit(s[pos + 1])) return null;
            bytes[i] = s.Substring(pos, 2).ToLowerInvariant();
        }
        return string.Join(':', bytes);
    }

    /// <summary>C's atoi: blanks, a sign, digits; anything else ends the number (no digits: 0).</summary>
    internal static int Atoi(string s)
    {
        int i = 0;
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') i++;
        bool negative = false;
        if (i < s.Length && s[i] is '+' or '-') negative = s[i++] == '-';
        long v = 0;
        for (; i < s.Length && s[i] is >= '0' and <= '9'; i++)
            v = Math.Min(v * 10 + (s[i] - '0'), (long)int.MaxValue + 1);
        return (int)(negative ? -v : Math.Min(v, int.MaxValue));
    }
}
