using Xeno.Engine.Domains.Lifecycle.StartSteps;

namespace Xeno.Engine.Network;

/// <summary>
/// Pre-launch: every vif's tap exists, configured for its mode (on its bridge, or routed), before
/// QEMU starts and opens it. The effects land in <see cref="Domains.Domain.Network"/> and, with the
/// record, survive a xenod restart.
/// </summary>
internal sealed class VifSetUpStep : IPreLaunchStep
{
    public string Name => "vif-setup";

    public async Task RunAsync(PreLaunchContext context)
    {
        var d = context.Domain;
        if (d.Spec.Vifs.Count == 0)
            return;
        d.Network = await Network(context).SetUpAsync(d);
    }

    private static VifNetwork Network(PreLaunchContext context) =>
        new(context.Engine.Log, HostCommandRunner.Instance,
            new Scripts.CustomVifScripts(context.Engine.Paths, context.Engine.Log, HostCommandRunner.Instance),
            new Nat.NatVifs(context.Engine.Paths, context.Engine.Log));

    public async Task UndoAsync(PreLaunchContext context)
    {
        var d = context.Domain;
        var effects = d.Network;
        d.Network = HostNetworkEffects.Empty;
        if (!effects.IsEmpty)
            await Network(context).TearDownAsync(d, effects);
    }
}
