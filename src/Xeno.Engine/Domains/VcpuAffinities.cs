using Xeno.Config.Domain;

namespace Xeno.Engine.Domains;

/// <summary>
/// Hard and soft affinity of each vCPU. A null entry (or a vCPU past the end) means every host
/// CPU, which Xen prints as "all". Hard affinity is enforced with sched_setaffinity on the vCPU's
/// thread; Linux has no soft affinity, so the soft one is kept and shown, as a preference.
/// </summary>
public sealed record VcpuAffinities(IReadOnlyList<IReadOnlySet<int>?> Hard, IReadOnlyList<IReadOnlySet<int>?> Soft)
{
    public static VcpuAffinities None { get; } = new([], []);

    /// <summary>From the config's cpus= / cpus_soft= (one set per vCPU, or none).</summary>
    public static VcpuAffinities FromSpec(DomainSpec spec) => new(
        spec.CpuAffinity?.Select(s => (IReadOnlySet<int>?)s).ToList() ?? [],
        spec.CpuSoftAffinity?.Select(s => (IReadOnlySet<int>?)s).ToList() ?? []);

    public IReadOnlySet<int>? HardOf(int vcpu) => vcpu < Hard.Count ? Hard[vcpu] : null;

    public IReadOnlySet<int>? SoftOf(int vcpu) => vcpu < Soft.Count ? Soft[vcpu] : null;

    /// <summary>A copy with vCPU <paramref name="vcpu"/>'s sets replaced where given (null leaves one as is).</summary>
    public VcpuAffinities With(int vcpu, IReadOnlySet<int>? hard, IReadOnlySet<int>? soft) => new(
        hard is null ? Hard : Replace(Hard, vcpu, hard),
        soft is null ? Soft : Replace(Soft, vcpu, soft));

    private static List<IReadOnlySet<int>?> Replace(IReadOnlyList<IReadOnlySet<int>?> list, int index, IReadOnlySet<int> value)
    {
        var copy = list.ToList();
        while (copy.Count <= index)
            copy.Add(null);
        copy[index] = value;
        return copy;
    }

    /// <summary>Xen's bitmap text: "all" when every host CPU is in, "none" when empty, else ranges "0-3,6".</summary>
    public static string Format(IReadOnlySet<int>? cpus, int hostCpus)
    {
        if (cpus is null || Enumerable.Range(0, hostCpus).All(cpus.Contains))
            return "all";
        return CpuRanges.Format(cpus);
    }
}
