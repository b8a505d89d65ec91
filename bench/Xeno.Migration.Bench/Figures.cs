using System.Globalization;

namespace Xeno.Migration.Bench;

/// <summary>Medians and the markdown number format of the section.</summary>
internal static class Figures
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string Ms(IReadOnlyList<double> values) =>
        values.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{Median(values):F0}");

    public static string All(IReadOnlyList<double> values) =>
        string.Join(" / ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));

    /// <summary>A table cell: the median, every run in brackets.</summary>
    public static string Cell(IReadOnlyList<double> values) => $"{Ms(values)} ({All(values)})";

    public static string Ratio(IReadOnlyList<double> ours, IReadOnlyList<double> limit) =>
        ours.Count == 0 || limit.Count == 0 || Median(limit) <= 0 ? "-"
            : string.Create(CultureInfo.InvariantCulture, $"{Median(ours) / Median(limit):F2}x");
}
