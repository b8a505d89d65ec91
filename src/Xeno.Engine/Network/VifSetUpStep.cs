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
        var network = new VifNetwork(context.Engine.Log, HostCommandRunner.Instance);
        d.Network = await Task.Run(() => network.SetUp(d));
    }

    public async Task UndoAsync(PreLaunchContext context)
    {
        var d = context.Domain;
        var effects = d.Network;
        d.Network = HostNetworkEffects.Empty;
        if (!effects.IsEmpty)
            await Task.Run(() => new VifNetwork(context.Engine.Log, HostCommandRunner.Instance).TearDown(d, effects));
    }
}
