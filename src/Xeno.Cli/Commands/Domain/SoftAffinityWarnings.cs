using System.Text;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// Xen accepts a soft affinity that reaches no usable CPU (none online, or none inside the hard
/// affinity) and libxl warns, per vCPU, that only the hard affinity will count (libxl_sched.c,
/// libxl__set_vcpuaffinity). xl prints that warning at create (cpus_soft=) and at vcpu-pin; so
/// does Xeno, instead of accepting such a soft affinity silently. CPUs past the host are already
/// dropped from the parsed sets (as Xen ignores bits past its CPU map).
/// </summary>
public static class SoftAffinityWarnings
{
    public static string Line(int domid, int vcpu) =>
        $"libxl: warning: Domain {domid}:All cpus in soft affinity of vcpu {vcpu} are unreachable. Only hard affinity will be considered for scheduling\n";

    /// <summary>True when no CPU of <paramref name="soft"/> is online and inside <paramref name="hard"/> (null: every CPU).</summary>
    public static bool Unreachable(IReadOnlySet<int> soft, IReadOnlySet<int>? hard, int hostCpus) =>
        !soft.Any(c => c >= 0 && c < hostCpus && (hard is null || hard.Contains(c)));

    /// <summary>The warnings for a domain's per-vCPU affinities as libxl applies them at build (vCPUs 0 .. maxvcpus-1).</summary>
    public static string AtCreate(int domid, int maxVcpus, IReadOnlyList<IReadOnlySet<int>>? hard, IReadOnlyList<IReadOnlySet<int>>? soft, int hostCpus)
    {
        var o = new StringBuilder();
        for (int i = 0; soft is not null && i < Math.Min(maxVcpus, soft.Count); i++)
        {
            if (Unreachable(soft[i], hard is not null && i < hard.Count ? hard[i] : null, hostCpus))
                o.Append(Line(domid, i));
        }
        return o.ToString();
    }
}
