using Xeno.Network.Host;
using Xeno.Network.Planning;
using Xeno.Network.Rate;

namespace Xeno.Network.Filtering;

/// <summary>An nft script as one argument (nft runs all of it as one transaction), with the
/// script that removes what it made.</summary>
public sealed record ApplyNftScript(string Script, string UndoScript) : HostAction
{
    public override IReadOnlyList<string> Command => ["nft", Script];
    public override IReadOnlyList<string>? Undo => ["nft", UndoScript];
}

/// <summary>
/// A vif's transmit policy as host actions, after its tap exists: anti-spoofing when the vif
/// has <c>ip=</c> (on by default, docs/network.md) and its <c>rate=</c>, in one netdev table.
/// </summary>
public static class VifTransmitActions
{
    public static IReadOnlyList<HostAction> For(VifPlan plan)
    {
        var policy = PolicyFor(plan);
        return policy.IsEmpty ? [] : [new ApplyNftScript(VifTransmitScript.Apply(policy), VifTransmitScript.Remove(plan.TapName))];
    }

    public static VifTransmitPolicy PolicyFor(VifPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        AntiSpoof? spoof = null;
        if (!string.IsNullOrWhiteSpace(plan.IpText))
        {
            var (s, error) = AntiSpoof.For(plan.Mac, plan.IpText);
            if (error != null) throw new VifPlanException($"vif {plan.Devid}: {error}");
            spoof = s;
        }
        TransmitRate? rate = null;
        if (plan.Rate is { } r)
        {
            if (r.BytesPerInterval <= 0 || r.IntervalUsecs <= 0)
                throw new VifPlanException($"vif {plan.Devid}: rate= allows {r.BytesPerInterval} bytes per {r.IntervalUsecs} us; give a higher rate or a longer interval");
            rate = TransmitRate.FromCredit((ulong)r.BytesPerInterval, (ulong)r.IntervalUsecs);
        }
        return new VifTransmitPolicy(plan.TapName, spoof, rate);
    }
}
