using Xeno.Network.Filtering;

namespace Xeno.Engine.Network.Hotplug;

/// <summary>
/// Which of a domain's host effects belong to one vif (its tap), so xl network-detach undoes
/// that vif's and keeps the others'. An undo command belongs to the tap when one of its words
/// is the tap's name or one of the tap's own nft tables (whole words: vif3.1's table is not a
/// prefix match of vif3.10's). Pure.
/// </summary>
internal static class VifEffectsSplit
{
    public static (HostNetworkEffects Owned, HostNetworkEffects Others) Split(HostNetworkEffects all, string tap)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentException.ThrowIfNullOrEmpty(tap);
        var names = new HashSet<string>(StringComparer.Ordinal) { tap, NftNames.VifTable(tap), NftNames.NatTable(tap) };
        bool Mine(IReadOnlyList<string> command) =>
            command.Any(arg => arg.Split([' ', '\t', '\n', ';', '"'], StringSplitOptions.RemoveEmptyEntries).Any(names.Contains));
        var owned = new HostNetworkEffects([.. all.Taps.Where(t => t == tap)], [.. all.Undo.Where(Mine)]);
        var rest = new HostNetworkEffects([.. all.Taps.Where(t => t != tap)], [.. all.Undo.Where(u => !Mine(u))]);
        return (owned, rest);
    }

    /// <summary>A vif's effects joined to the domain's (after the others, so destroy undoes it first).</summary>
    public static HostNetworkEffects Join(HostNetworkEffects all, HostNetworkEffects added) =>
        new([.. all.Taps, .. added.Taps], [.. all.Undo, .. added.Undo]);
}
