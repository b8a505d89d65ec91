using System.Globalization;
using Xeno.Host.Cgroups;

namespace Xeno.Engine.Resources;

/// <summary>
/// One domain's cgroup directory: the kernel enforces <see cref="Apply"/>'s weight and cap on
/// every thread of the processes moved in with <see cref="AddProcess"/>.
/// </summary>
internal sealed class DomainCgroup(string dir, CgroupVersion version)
{
    public string Dir { get; } = dir;
    public CgroupVersion Version { get; } = version;

    /// <summary>Writes the control files (see <see cref="CpuControlFiles"/>).</summary>
    public void Apply(SchedParams p)
    {
        foreach (var (file, value) in CpuControlFiles.For(Version, p.Weight, p.Cap))
            File.WriteAllText(Path.Join(Dir, file), value);
    }

    /// <summary>
    /// Moves a whole process (all its threads, and those it starts later) in: cgroup.procs, which
    /// v2 requires for a domain cgroup and v1 accepts as "every thread of this thread group".
    /// </summary>
    public void AddProcess(int pid) => File.WriteAllText(Path.Join(Dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    public IReadOnlyList<int> Pids()
    {
        var path = Path.Join(Dir, "cgroup.procs");
        if (!File.Exists(path))
            return [];
        return [.. File.ReadAllLines(path).Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : -1).Where(p => p > 0)];
    }

    /// <summary>The weight and cap the kernel holds (v2's weight read back is lossy: see CpuControlMapping).</summary>
    public SchedParams Read()
    {
        string R(string f) => File.ReadAllText(Path.Join(Dir, f)).Trim();
        long L(string f) => long.Parse(R(f), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return Version == CgroupVersion.V1
            ? new SchedParams(CpuControlMapping.WeightFromShares(L("cpu.shares")), CpuControlMapping.CapFromQuota(L("cpu.cfs_quota_us"), L("cpu.cfs_period_us")))
            : new SchedParams(CpuControlMapping.WeightFromV2(L("cpu.weight")), CpuControlMapping.CapFromV2Max(R("cpu.max")));
    }
}

/// <summary>A domain's credit-scheduler parameters: weight 1..65535, cap in % of one CPU (0 = none).</summary>
public sealed record SchedParams(int Weight, int Cap)
{
    public static SchedParams Default { get; } = new(CpuControlMapping.DefaultWeight, 0);
}
