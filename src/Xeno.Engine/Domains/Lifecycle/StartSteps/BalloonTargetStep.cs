using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>maxmem &gt; memory: QEMU has maxmem of RAM and a balloon; the target (memory=) is set right away.</summary>
internal sealed class BalloonTargetStep : IStartStep
{
    public string Name => "balloon-target";

    public async Task RunAsync(StartContext context)
    {
        var d = context.Domain;
        if (!d.Spec.StartsBallooned)
            return;
        try
        {
            await QmpCall.RunAsync(d, context.Qemu, (q, t) => q.BalloonAsync(Math.Max(1, d.TargetKb) * 1024, t), CancellationToken.None);
        }
        catch (QmpException e)
        {
            // The guest boots with maxmem; a refused target only leaves it bigger, as Xen's without a driver.
            context.Engine.Log.Info($"Domain {d.Domid} ({d.Name}): balloon target {d.TargetKb} KiB not set: {e.Message}");
        }
    }

    public Task UndoAsync(StartContext context) => Task.CompletedTask;
}
