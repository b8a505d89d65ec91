using Xeno.Network.Planning;

namespace Xeno.Network.Host;

/// <summary>vif-bridge's choice of bridge, over host facts.</summary>
public static class BridgeChoice
{
    /// <summary>
    /// The bridge to enslave to: <paramref name="requested"/>; or, when that is a missing
    /// <c>xenbrN</c> and <c>ethN</c> is a bridge (Debian's "bridge named after the NIC" set-up),
    /// <c>ethN</c>. Missing: Xen's "Could not find bridge device &lt;bridge&gt;".
    /// </summary>
    public static HostInterface Resolve(string requested, HostNetworkFacts facts)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(facts);
        if (requested.Length == 0)
        {
            // Xen takes the first bridge brctl lists; Xeno's configs always name one (libxl writes xenbr0).
            return facts.Interfaces.Where(i => i.IsBridge).OrderBy(i => i.Name, StringComparer.Ordinal).FirstOrDefault()
                   ?? throw new VifPlanException("Could not find bridge, and none was specified");
        }
        var name = requested;
        if (!facts.Exists(name) && name.StartsWith("xenbr", StringComparison.Ordinal)
            && facts.Find("eth" + name["xenbr".Length..]) is { IsBridge: true } eth)
            name = eth.Name;
        var found = facts.Find(name) ?? throw new VifPlanException($"Could not find bridge device {name}");
        // Xen's script goes on and fails inside brctl/ip; Xeno names the problem.
        if (!found.IsBridge)
            throw new VifPlanException($"{name} is not a bridge: bridge= must name a Linux bridge (see docs/network.md for setting one up)");
        return found;
    }
}
