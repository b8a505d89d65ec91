using System.Globalization;
using System.Text;
using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>One rate between two readings: at <see cref="Time"/> (the later one), per second.</summary>
public sealed record UsagePoint(long Time, double CpuPercent, double DiskKibPerSecond, double NetKibPerSecond);

/// <summary>
/// The info page's usage graph: rates from consecutive readings, drawn as inline SVG on the
/// server (no script). Only numbers and fixed words go into the markup.
/// </summary>
public static class UsageGraph
{
    public const int Width = 600;
    public const int Height = 90;

    /// <summary>Rates between consecutive readings; a counter that went down (the VM restarted) starts over, giving no point.</summary>
    public static IReadOnlyList<UsagePoint> Rates(IReadOnlyList<UsageSample> samples)
    {
        var points = new List<UsagePoint>();
        for (int i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            long dt = b.Time - a.Time;
            if (dt <= 0 || b.CpuNs < a.CpuNs || b.DiskSectors < a.DiskSectors || b.NetBytes < a.NetBytes)
                continue;
            points.Add(new UsagePoint(b.Time,
                (b.CpuNs - a.CpuNs) / (dt * 1e9) * 100,
                (b.DiskSectors - a.DiskSectors) * 512 / 1024.0 / dt,
                (b.NetBytes - a.NetBytes) / 1024.0 / dt));
        }
        return points;
    }

    /// <summary>Three charts (CPU, disk, network) over the hour before <paramref name="now"/> (unix seconds).</summary>
    public static string Svg(IReadOnlyList<UsageSample> samples, long now, long window = 3600)
    {
        var points = Rates(samples).Where(p => p.Time > now - window && p.Time <= now).ToList();
        var t = new StringBuilder();
        Chart(t, "CPU", "% of one CPU", points, p => p.CpuPercent, now, window);
        Chart(t, "Disk", "KiB/s read + written", points, p => p.DiskKibPerSecond, now, window);
        Chart(t, "Network", "KiB/s received + sent", points, p => p.NetKibPerSecond, now, window);
        return t.ToString();
    }

    private static void Chart(StringBuilder t, string title, string unit, IReadOnlyList<UsagePoint> points, Func<UsagePoint, double> value,
        long now, long window)
    {
        double max = points.Count == 0 ? 0 : points.Max(value);
        double top = max <= 0 ? 1 : max * 1.1;
        const int top0 = 16, plot = Height - top0 - 4;
        t.Append(Inv($"<svg class=\"usage\" role=\"img\" aria-label=\"{title}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" xmlns=\"http://www.w3.org/2000/svg\">"));
        t.Append(Inv($"<rect x=\"0\" y=\"{top0}\" width=\"{Width}\" height=\"{plot}\" fill=\"#f6f8fa\" stroke=\"#ccc\"/>"));
        t.Append(Inv($"<text x=\"2\" y=\"12\" font-size=\"12\">{title}: peak {max:0.##} {unit} (last hour)</text>"));
        if (points.Count == 0)
            t.Append(Inv($"<text x=\"{Width / 2}\" y=\"{top0 + plot / 2}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#888\">no readings yet</text>"));
        else
        {
            t.Append("<polyline fill=\"none\" stroke=\"#2a6\" stroke-width=\"1.5\" points=\"");
            foreach (var p in points)
            {
                double x = (p.Time - (now - window)) / (double)window * Width;
                double y = top0 + plot - value(p) / top * plot;
                t.Append(Inv($"{x:0.#},{y:0.#} "));
            }
            t.Append("\"/>");
        }
        t.Append("</svg>");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
