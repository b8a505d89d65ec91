using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>The host thread of each vCPU (QMP query-cpus-fast): what affinity and vcpu-list work on.</summary>
internal sealed class ReadVcpuThreadsStep : IStartStep
{
    public string Name => "vcpu-threads";

    public async Task RunAsync(StartContext context)
    {
        var d = context.Domain;
        try
        {
            var cpus = await QmpCall.RunAsync(d, context.Qemu, (q, t) => q.QueryCpusFastAsync(t), CancellationToken.None);
            d.VcpuThreads = cpus.OrderBy(c => c.Index).Select(c => c.ThreadId).ToList();
        }
        catch (QmpException)
        {
            d.VcpuThreads = [];
        }
    }

    public Task UndoAsync(StartContext context)
    {
        context.Domain.VcpuThreads = [];
        return Task.CompletedTask;
    }
}
