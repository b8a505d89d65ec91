namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>
/// Re-adoption: the hard affinity as the kernel enforces it (/proc Cpus_allowed_list of each vCPU
/// thread), the soft one from the record (Linux has none to read back).
/// </summary>
internal sealed class ReadAffinityStep : IStartStep
{
    public string Name => "read-affinity";

    public Task RunAsync(StartContext context)
    {
        var d = context.Domain;
        var hard = new List<IReadOnlySet<int>?>();
        int hostCpus = Environment.ProcessorCount;
        foreach (var tid in d.VcpuThreads)
        {
            var allowed = context.Engine.Proc.ThreadAllowedCpus(context.Qemu.Process.Pid, tid);
            hard.Add(allowed is null || Enumerable.Range(0, hostCpus).All(allowed.Contains) ? null : allowed);
        }
        d.Affinity = new VcpuAffinities(hard, context.AdoptedFrom?.SoftAffinity ?? d.Affinity.Soft);
        return Task.CompletedTask;
    }

    public Task UndoAsync(StartContext context) => Task.CompletedTask;
}
