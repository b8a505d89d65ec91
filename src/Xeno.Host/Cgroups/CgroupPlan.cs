using System.Security.Cryptography;
using System.Text;

namespace Xeno.Host.Cgroups;

/// <summary>Which kernel interface enforces weight and cap.</summary>
public enum CgroupVersion
{
    /// <summary>No usable CPU controller: weight and cap are kept but not enforced (logged).</summary>
    None,
    /// <summary>cgroup v1: cpu.shares, cpu.cfs_quota_us / cpu.cfs_period_us.</summary>
    V1,
    /// <summary>cgroup v2: cpu.weight, cpu.max.</summary>
    V2,
}

/// <summary>
/// Where this xenod's domain cgroups live: <see cref="InstanceDir"/> = parent/xeno-&lt;hash of the
/// prefix&gt;, one dom-&lt;domid&gt; directory per domain below it. Each xenod instance (tests run
/// several side by side under separate prefixes) owns its own subtree and touches no other.
/// </summary>
public sealed record CgroupPlan(CgroupVersion Version, string? Parent, string? InstanceDir, string Why)
{
    public static CgroupPlan None(string why) => new(CgroupVersion.None, null, null, why);

    /// <summary>
    /// Decides purely from what the host showed: v2 when its unified hierarchy offers the cpu
    /// controller at xenod's own (delegated) cgroup, else v1's cpu hierarchy, else none.
    /// </summary>
    /// <param name="v2Controllers">cgroup.controllers of <paramref name="ownV2Path"/> under the unified mount (null: unreadable).</param>
    /// <param name="ownV2Path">xenod's cgroup in the unified hierarchy ("0::/path" of /proc/self/cgroup).</param>
    /// <param name="parentOverride">An admin-chosen parent directory (absolute), which wins over the default.</param>
    public static CgroupPlan Choose(CgroupMounts mounts, string? v2Controllers, string? ownV2Path, string prefix, string? parentOverride = null)
    {
        var name = InstanceName(prefix);
        bool v2Cpu = mounts.Unified is not null && v2Controllers is not null
                     && v2Controllers.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Contains("cpu");
        if (v2Cpu)
        {
            var parent = parentOverride ?? Path.Join(mounts.Unified, ownV2Path ?? "/");
            return new(CgroupVersion.V2, parent, Path.Join(parent, name), $"cgroup v2 at {mounts.Unified} (cpu controller offered)");
        }
        if (mounts.V1Cpu is not null)
        {
            var parent = parentOverride ?? mounts.V1Cpu;
            return new(CgroupVersion.V1, parent, Path.Join(parent, name), $"cgroup v1 cpu controller at {mounts.V1Cpu}");
        }
        return None(mounts.Unified is null
            ? "no cgroup cpu controller mounted"
            : $"cgroup v2 at {mounts.Unified} offers no cpu controller and no v1 cpu hierarchy is mounted");
    }

    /// <summary>"xeno-" and 12 hex digits of the prefix's SHA-256: stable per prefix, unique between them.</summary>
    public static string InstanceName(string prefix) =>
        "xeno-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)))[..12];

    /// <summary>The directory name of a domain's cgroup.</summary>
    public static string DomainName(int domid) => "dom-" + domid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The domid of a directory this plan named, or null for anything else.</summary>
    public static int? DomidOf(string directoryName) =>
        directoryName.StartsWith("dom-", StringComparison.Ordinal)
        && int.TryParse(directoryName.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int d)
            ? d : null;

    /// <summary>The unified-hierarchy path in /proc/self/cgroup's text ("0::/system.slice/x.service").</summary>
    public static string? OwnV2Path(string procSelfCgroup) =>
        procSelfCgroup.Split('\n').FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..].Trim();
}

/// <summary>The control files and values that say "weight W, cap C" in one hierarchy.</summary>
public static class CpuControlFiles
{
    /// <summary>
    /// The file that holds a cgroup's weight (v1's shares): the one <see cref="For"/> writes for a
    /// domain and the one an instance's own weight (the sum of its domains') is written to.
    /// </summary>
    public static string WeightFile(CgroupVersion version) => version switch
    {
        CgroupVersion.V1 => "cpu.shares",
        CgroupVersion.V2 => "cpu.weight",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "no CPU controller: no weight file"),
    };

    public static IReadOnlyList<(string File, string Value)> For(CgroupVersion version, int weight, int cap) => version switch
    {
        CgroupVersion.V1 =>
        [
            (WeightFile(version), CpuControlMapping.Shares(weight).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cpu.cfs_period_us", CpuControlMapping.PeriodUs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cpu.cfs_quota_us", CpuControlMapping.V1Quota(cap)),
        ],
        CgroupVersion.V2 =>
        [
            (WeightFile(version), CpuControlMapping.V2Weight(weight).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cpu.max", CpuControlMapping.V2Max(cap)),
        ],
        _ => [],
    };
}
