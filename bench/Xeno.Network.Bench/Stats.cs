using System.Globalization;

namespace Xeno.Network.Bench;

/// <summary>Order statistics of a sample (the median interpolated) and invariant formatting.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    public static string F(double value, int digits) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The 1-minute load average (/proc/loadavg): how busy the shared host was.</summary>
    public static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
