namespace Xeno.Engine.Bench;

/// <summary>Order statistics of a sample (nearest-rank percentiles, the median interpolated).</summary>
internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    /// <summary>The smallest value with at least <paramref name="percent"/> % of the sample at or below it.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double percent)
    {
        var s = values.Order().ToList();
        int rank = (int)Math.Ceiling(percent / 100 * s.Count);
        return s[Math.Clamp(rank - 1, 0, s.Count - 1)];
    }
}
