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
internal sealed class VifNetwork(EngineLog log, IHostCommands commands, Scripts.CustomVifScripts? scripts = null, Nat.NatVifs? nat = null)
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

    public HostNetworkEffects SetUp(Domain d) => SetUp(d, Plans(d.Spec, d.Domid));

    /// <summary>Sets up <paramref name="plans"/> only (xl network-attach: the one new vif, already in the domain's spec).</summary>
    public HostNetworkEffects SetUp(Domain d, IReadOnlyList<VifPlan> plans)
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
                    var scriptUndo = scripts.Connect(d, plan);
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
                        commands.Run(action.Command);
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
                    nat!.Connect(d, natPlan);
                log.Info($"Domain {d.Domid} ({d.Name}): vif {plan.Devid} {plan.TapName} up ({plan.Mode.ToString().ToLowerInvariant()} mode, {plan.QemuModel}, {plan.Mac})");
            }
        }
        catch
        {
            // Whatever failed, the vifs set up so far go: nothing is left on the host.
            TearDown(d, new HostNetworkEffects(taps, undo), plans.Count == 1 ? plans[0].Devid : null);
            throw;
        }
        return new HostNetworkEffects(taps, undo);
    }

    /// <summary>
    /// Undoes in reverse; a failing undo is logged and the rest still run (best effort, never throws).
    /// <paramref name="onlyDevid"/>: the effects are that one vif's (xl network-detach), so only its script runs.
    /// </summary>
    public void TearDown(Domain d, HostNetworkEffects effects, int? onlyDevid = null)
    {
        scripts?.Disconnect(d, onlyDevid);
        nat?.Disconnect(d, effects.Taps);
        for (int i = effects.Undo.Count - 1; i >= 0; i--)
        {
            try
            {
                commands.Run(effects.Undo[i]);
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
                commands.Run(["nft", Xeno.Network.Filtering.VifTransmitScript.Remove(tap)]);
            }
            catch (HostCommandException e)
            {
                log.Info($"Domain {d.Domid} ({d.Name}): removing {tap}'s transmit table failed: {e.Message}");
            }
        }
    }
}
