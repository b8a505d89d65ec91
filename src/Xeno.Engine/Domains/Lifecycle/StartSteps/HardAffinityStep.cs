using Xeno.Qemu.Interop;

namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>cpus=: pins each vCPU thread to its hard affinity with sched_setaffinity.</summary>
internal sealed class HardAffinityStep : IStartStep
{
    public string Name => "hard-affinity";

    public Task RunAsync(StartContext context)
    {
        Pin(context.Domain, context.Domain.Affinity, vcpu: null);
        return Task.CompletedTask;
    }

    /// <summary>Nothing to give back: the threads go with the QEMU a failed start stops.</summary>
    public Task UndoAsync(StartContext context) => Task.CompletedTask;

    private static SortedSet<int> AllHostCpus() => [.. Enumerable.Range(0, Environment.ProcessorCount)];

    /// <summary>Pins the vCPU threads (all, or one) to their hard affinity; with one named, a vCPU without any gets every host CPU.</summary>
    public static void Pin(Domain d, VcpuAffinities affinity, int? vcpu)
    {
        for (int i = 0; i < d.VcpuThreads.Count; i++)
        {
            if (vcpu is { } only && only != i)
                continue;
            var hard = affinity.HardOf(i);
            if (hard is null && vcpu is null)
                continue; // never pinned: leave QEMU's thread as it started
            try
            {
                CpuAffinity.Set(d.VcpuThreads[i], hard ?? AllHostCpus());
            }
            catch (CpuAffinityException e)
            {
                throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\" vCPU {i}: {e.Message}", e);
            }
        }
    }
}
