using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Network.Nat;
using Xeno.Network.Planning;

namespace Xeno.Engine.Network.Nat;

/// <summary>
/// The NAT vifs of a domain (<c>script=vif-nat</c>): after the vif's tap is made, <see cref="NatVif.UpAsync"/>
/// gives it the router address, the guest's dnsmasq and the masquerade table; at teardown
/// <see cref="NatVif.DownAsync"/> takes them away again before the tap goes. The plans are derived
/// again from the domain's spec at teardown (as a restarted xenod does from the record), and
/// only for taps the domain owns, so a vif that failed on a taken name never touches the owner's.
/// </summary>
internal sealed class NatVifs(EnginePaths paths, EngineLog log)
{
    /// <summary>The NAT plan of a vif, checked before anything is made (bad ip=, a router that does not fit).</summary>
    public NatVifPlan Plan(Domain d, VifPlan vif)
    {
        var (plan, error) = NatVifPlan.For(d.Domid, vif.Devid, vif.TapName, vif.Mac, vif.IpText, vif.GatewayDev, paths.DomainRunDir(d.Domid));
        return plan ?? throw new EngineException(EngineErrorKind.Invalid, $"domain \"{d.Name}\": vif {vif.Devid} ({vif.TapName}): {error}");
    }

    /// <summary>Brings the NAT side up on the vif's existing tap; when it fails, what it made is gone again.</summary>
    public async Task ConnectAsync(Domain d, NatVifPlan plan)
    {
        try
        {
            await NatVif.UpAsync(plan).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HostCommandException or IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": vif {plan.Devid} ({plan.Tap}): {e.Message}", e);
        }
        log.Info($"Domain {d.Domid} ({d.Name}): vif {plan.Devid} {plan.Tap}: NAT router {plan.Addresses.Router}, guest {plan.Addresses.Guest}/{plan.Addresses.PrefixLength} by DHCP, masquerading on {plan.Uplink ?? "any interface"}");
    }

    /// <summary>Takes down every NAT vif of the domain among <paramref name="ownedTaps"/>; failures are logged (teardown never stops).</summary>
    public async Task DisconnectAsync(Domain d, IReadOnlyList<string> ownedTaps)
    {
        foreach (var vif in d.Spec.Vifs)
        {
            VifPlan planned;
            try
            {
                planned = VifPlanner.Plan(vif, d.Domid, d.Spec.Kind);
            }
            catch (VifPlanException)
            {
                continue;
            }
            if (planned.Mode != VifMode.Nat || !ownedTaps.Contains(planned.TapName)) continue;
            var (plan, _) = NatVifPlan.For(d.Domid, planned.Devid, planned.TapName, planned.Mac, planned.IpText, planned.GatewayDev, paths.DomainRunDir(d.Domid));
            if (plan is null) continue;
            try
            {
                await NatVif.DownAsync(plan).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HostCommandException or IOException or UnauthorizedAccessException)
            {
                log.Info($"Domain {d.Domid} ({d.Name}): vif {plan.Devid}: {e.Message}");
            }
        }
    }
}
