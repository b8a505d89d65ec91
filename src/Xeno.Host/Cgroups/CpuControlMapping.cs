using System.Globalization;

namespace Xeno.Host.Cgroups;

/// <summary>
/// Xen's credit-scheduler parameters onto the kernel's CPU controller. Weight is a relative share
/// under contention (Xen 1..65535, default 256); cap is a percentage of one CPU (0 = none).
/// Both hierarchies keep Xen's default at the kernel's default (256 ↔ 1024 shares ↔ weight 100),
/// so a guest left alone competes with the host's other work as an ordinary process group.
/// </summary>
public static class CpuControlMapping
{
    public const int DefaultWeight = 256;
    public const int MinWeight = 1;
    public const int MaxWeight = 65535;
    /// <summary>The CFS period the cap is measured over (the kernel's default, 100 ms).</summary>
    public const long PeriodUs = 100_000;
    /// <summary>The kernel refuses a quota below 1 ms.</summary>
    public const long MinQuotaUs = 1_000;

    /// <summary>cgroup v1 cpu.shares: ×4 (range 4..262140, inside the kernel's 2..262144), exact both ways.</summary>
    public static long Shares(int weight) => (long)CheckWeight(weight) * 4;

    /// <summary>
    /// cgroup v2 cpu.weight (1..10000, default 100): weight×100/256 rounded. Xen weights above
    /// 25600 all become 10000 (the kernel's maximum), so ratios hold up to 100:1 around the default.
    /// </summary>
    public static long V2Weight(int weight) => Math.Clamp((long)Math.Round(CheckWeight(weight) * 100.0 / DefaultWeight, MidpointRounding.AwayFromZero), 1, 10_000);

    /// <summary>Xen's weight back from v1 shares (exact for shares this mapping wrote).</summary>
    public static int WeightFromShares(long shares) => (int)Math.Clamp(shares / 4, MinWeight, MaxWeight);

    /// <summary>Xen's weight back from a v2 cpu.weight (lossy: weights that round alike read back alike).</summary>
    public static int WeightFromV2(long v2) => (int)Math.Clamp((long)Math.Round(v2 * DefaultWeight / 100.0, MidpointRounding.AwayFromZero), MinWeight, MaxWeight);

    /// <summary>
    /// The weight of a xenod's subtree over its domains (v1 shares or v2 weight): their sum, within
    /// the kernel's range, and the kernel's default when it has none. Siblings share their parent's
    /// weight, so a subtree left at the default would squeeze all of one xenod's guests into the CPU
    /// time of one ordinary process; the sum makes each domain compete with the host's other work
    /// by its own weight, as each Xen domain does against dom0.
    /// </summary>
    public static long InstanceValue(CgroupVersion version, IEnumerable<long> domainValues)
    {
        var (min, max, fallback) = version == CgroupVersion.V2 ? (1L, 10_000L, 100L) : (2L, 262_144L, 1024L);
        long sum = 0;
        bool any = false;
        foreach (long v in domainValues)
        {
            sum = Math.Min(max, sum + Math.Clamp(v, min, max));
            any = true;
        }
        return any ? Math.Clamp(sum, min, max) : fallback;
    }

    /// <summary>The CFS quota per <see cref="PeriodUs"/> for a cap; null for no cap (0).</summary>
    public static long? QuotaUs(int cap)
    {
        if (cap < 0)
            throw new ArgumentOutOfRangeException(nameof(cap), cap, "a cap is 0 (none) or a positive percentage of one CPU");
        return cap == 0 ? null : Math.Max(MinQuotaUs, cap * PeriodUs / 100);
    }

    /// <summary>The cap back from a quota and period (-1 or "max": none).</summary>
    public static int CapFromQuota(long? quotaUs, long periodUs) =>
        quotaUs is not { } q || q <= 0 || periodUs <= 0 ? 0 : (int)Math.Round(q * 100.0 / periodUs, MidpointRounding.AwayFromZero);

    /// <summary>v1 cpu.cfs_quota_us: -1 means no limit.</summary>
    public static string V1Quota(int cap) => (QuotaUs(cap) ?? -1).ToString(CultureInfo.InvariantCulture);

    /// <summary>v2 cpu.max: "$MAX $PERIOD", "max" meaning no limit.</summary>
    public static string V2Max(int cap) =>
        (QuotaUs(cap) is { } q ? q.ToString(CultureInfo.InvariantCulture) : "max") + " " + PeriodUs.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads v2 cpu.max ("max 100000" or "50000 100000").</summary>
    public static int CapFromV2Max(string text)
    {
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long period))
            throw new FormatException($"cpu.max holds \"{text.Trim()}\", not \"<max|quota> <period>\"");
        if (parts[0] == "max")
            return 0;
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long quota))
            throw new FormatException($"cpu.max holds \"{text.Trim()}\", not \"<max|quota> <period>\"");
        return CapFromQuota(quota, period);
    }

    private static int CheckWeight(int weight) =>
        weight is < MinWeight or > MaxWeight
            ? throw new ArgumentOutOfRangeException(nameof(weight), weight, $"a weight is {MinWeight}..{MaxWeight}")
            : weight;
}
