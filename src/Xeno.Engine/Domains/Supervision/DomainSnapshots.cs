using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains.Supervision;

/// <summary>
/// A domain's snapshot for the API, read without its gate (a domain busy or hung in a QMP call
/// still lists): the fields are read one by one and the vCPU times come from /proc.
/// </summary>
internal static class DomainSnapshots
{
    public static DomainSnapshot Of(Domain d, ProcFs proc)
    {
        var vcpus = new List<VcpuInfo>();
        var total = TimeSpan.Zero;
        var threads = d.VcpuThreads;
        if (d.Qemu is { } q)
        {
            for (int i = 0; i < threads.Count; i++)
            {
                var stat = proc.ThreadStat(q.Process.Pid, threads[i]);
                var cpu = stat?.CpuTime ?? TimeSpan.Zero;
                total += cpu;
                vcpus.Add(new VcpuInfo(i, stat?.State == 'R', cpu, stat?.LastCpu ?? 0)
                {
                    Hard = d.Affinity.HardOf(i),
                    Soft = d.Affinity.SoftOf(i),
                });
            }
        }
        return d.Snapshot(total, vcpus);
    }
}
