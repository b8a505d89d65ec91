using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Network.Host;
using Xeno.Network.Planning;

namespace Xeno.Engine.Network;

/// <summary>
/// Carries out a domain's vif plans on the host (Xeno.Network decides, this runs the commands),
/// and undoes them. A vif that fails part-way is undone entirely, and so are the vifs before it:
/// a failed start leaves no interface behind.
/// </summary>
internal sealed class VifNetwork(EngineLog log, HostCommandRunner commands, Scripts.CustomVifScripts? scripts = null, Nat.NatVifs? nat = null)
{
    /// <summary>Plans every vif of the domain (pure); refused plans become Invalid engine errors.</summary>
    public static IReadOnlyList<VifPlan> Plans(DomainSpec spec, int domid)
    {
        try
        {
            return VifPlanner.PlanAll(spec.Vifs, domid, spec.Kind);
        }
        catch (VifPlanException e)
        {
            throw new EngineException(EngineErrorKind.Invalid, $"domain \"{spec.Name}\": {e.Message}", e);
        }
    }

    public Task<HostNetworkEffects> SetUpAsync(Domain d) => SetUpAsync(d, Plans(d.Spec, d.Domid));

    /// <summary>Sets up <paramref name="plans"/> only (xl network-attach: the one new vif, already in the domain's spec).</summary>
    public async Task<HostNetworkEffects> SetUpAsync(Domain d, IReadOnlyList<VifPlan> plans)
    {
        var taps = new List<string>();
        var undo = new List<IReadOnlyList<string>>();
        try
        {
            foreach (var plan in plans)
            {
                // An admin's own script= does the host side itself, with Xen's contract (net-hotplug).
                if (plan.Mode == VifMode.CustomScript && scripts is not null)
                {
                    var scriptUndo = await scripts.ConnectAsync(d, plan).ConfigureAwait(false);
                    taps.Add(plan.TapName);
                    undo.AddRange(scriptUndo);
                    continue;
                }
                IReadOnlyList<HostAction> actions;
                var natPlan = plan.Mode == VifMode.Nat
                    ? (nat ?? throw new EngineException(EngineErrorKind.Invalid, $"domain \"{d.Name}\": vif {plan.Devid}: NAT mode (script={plan.ScriptPath}) needs xenod's run folder")).Plan(d, plan)
                    : null;
                try
                {
                    actions = VifHostActions.For(plan, HostFactsReader.Read());
                }
                catch (VifPlanException e)
                {
                    throw new EngineException(EngineErrorKind.Invalid, $"domain \"{d.Name}\": vif {plan.Devid} ({plan.TapName}): {e.Message}", e);
                }
                foreach (var action in actions)
                {
                    try
                    {
                        await commands.CheckAsync(action.Command).ConfigureAwait(false);
                    }
                    catch (HostCommandException e)
                    {
                        throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": vif {plan.Devid} ({plan.TapName}): {e.Message}", e);
                    }
                    if (action is CreateTap)
                        taps.Add(plan.TapName);
                    if (action.Undo is { } u)
                        undo.Add(u);
                }
                if (natPlan is not null)
                    await nat!.ConnectAsync(d, natPlan).ConfigureAwait(false);
                log.Info($"Domain {d.Domid} ({d.Name}): vif {plan.Devid} {plan.TapName} up ({plan.Mode.ToString().ToLowerInvariant()} mode, {plan.QemuModel}, {plan.Mac})");
            }
        }
        catch
        {
            // Whatever failed, the vifs set up so far go: nothing is left on the host.
            await TearDownAsync(d, new HostNetworkEffects(taps, undo), plans.Count == 1 ? plans[0].Devid : null).ConfigureAwait(false);
            throw;
        }
        return new HostNetworkEffects(taps, undo);
    }

    /// <summary>
    /// Undoes in reverse; a failing undo is logged and the rest still run (best effort, never throws).
    /// <paramref name="onlyDevid"/>: the effects are that one vif's (xl network-detach), so only its script runs.
    /// </summary>
    public async Task TearDownAsync(Domain d, HostNetworkEffects effects, int? onlyDevid = null)
    {
        if (scripts is not null)
            await scripts.DisconnectAsync(d, onlyDevid).ConfigureAwait(false);
        if (nat is not null)
            await nat.DisconnectAsync(d, effects.Taps).ConfigureAwait(false);
        for (int i = effects.Undo.Count - 1; i >= 0; i--)
        {
            try
            {
                HostNetworkEffects.CheckUndo(effects.Undo[i]);
                await commands.CheckAsync(effects.Undo[i]).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HostCommandException or InvalidDataException)
            {
                log.Info($"Domain {d.Domid} ({d.Name}): undoing \"{string.Join(' ', effects.Undo[i])}\" failed: {e.Message}");
            }
        }
        // A table a run-time rate change made (Rate/VifRateWatch) has no undo entry; its tap is gone
        // now, so no late rate event can make it again.
        foreach (var tap in effects.Taps)
        {
            try
            {
                await commands.CheckAsync([Filtering.Nft.Tool, "-f", "-"], Xeno.Network.Filtering.VifTransmitScript.Remove(tap)).ConfigureAwait(false);
            }
            catch (HostCommandException e)
            {
                log.Info($"Domain {d.Domid} ({d.Name}): removing {tap}'s transmit table failed: {e.Message}");
            }
        }
    }
}
