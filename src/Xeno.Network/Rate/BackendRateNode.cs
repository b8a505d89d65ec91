using System.Globalization;
using Xeno.Network.Filtering;
using Xeno.Network.Planning;

namespace Xeno.Network.Rate;

/// <summary>
/// A run-time change of a vif's backend <c>rate</c> node (an admin's <c>xenstore-write</c>, as on
/// Xen, where netback watches that node): which vif it names, and the vif's transmit policy
/// afterwards. As netback's xen_net_read_rate, a node that is missing or not
/// <c>&lt;bytes&gt;,&lt;usecs&gt;</c> means unlimited.
/// </summary>
public static class BackendRateNode
{
    /// <summary>Where the watch is set: every vif backend of dom0.</summary>
    public const string WatchRoot = "/local/domain/0/backend/vif";

    /// <summary>(domid, devid) when <paramref name="path"/> is exactly a vif backend's rate node, else null.</summary>
    public static (int Domid, int Devid)? Parse(string? path)
    {
        if (path is null || !path.StartsWith(WatchRoot + "/", StringComparison.Ordinal)) return null;
        var parts = path[(WatchRoot.Length + 1)..].Split('/');
        if (parts.Length != 3 || parts[2] != "rate") return null;
        return Number(parts[0]) is int domid && Number(parts[1]) is int devid ? (domid, devid) : null;
    }

    /// <summary>The vif's policy with the node's rate (its ip= anti-spoofing stays); the error says why the node meant "unlimited".</summary>
    public static (VifTransmitPolicy Policy, string? Error) PolicyFor(VifPlan plan, string? value)
    {
        var unlimited = VifTransmitActions.PolicyFor(plan with { Rate = null });
        if (value is null) return (unlimited, null);
        var (rate, error) = BackendRateValue.Parse(value);
        return rate is null ? (unlimited, error) : (unlimited with { Rate = rate }, null);
    }

    private static int? Number(string s) =>
        s.Length is > 0 and <= 9 && s.All(char.IsAsciiDigit) && (s == "0" || s[0] != '0')
            ? int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
}
