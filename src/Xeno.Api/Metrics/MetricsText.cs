using System.Globalization;
using System.Text;

namespace Xeno.Api.Metrics;

public enum MetricType { Counter, Gauge, Histogram }

/// <summary>
/// Writes Prometheus' text exposition format (version 0.0.4): each family once, its HELP and
/// TYPE lines, then its samples. Label values are escaped (backslash, double quote, line feed),
/// so a domain name can hold anything. Pure: builds a string.
/// </summary>
public sealed class MetricsText
{
    /// <summary>The Content-Type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _out = new();
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);
    private string? _family;
    private MetricType _type;

    /// <summary>Starts a family; every sample after it belongs to it until the next.</summary>
    public MetricsText Family(string name, MetricType type, string help)
    {
        if (!IsMetricName(name))
            throw new ArgumentException($"\"{name}\" is not a Prometheus metric name", nameof(name));
        if (!_families.Add(name))
            throw new InvalidOperationException($"metric family {name} written twice (a family's samples must be together)");
        _family = name;
        _type = type;
        _out.Append("# HELP ").Append(name).Append(' ');
        foreach (char c in help)
        {
            _ = c switch
            {
                '\\' => _out.Append(@"\\"),
                '\n' => _out.Append(@"\n"),
                _ => _out.Append(c),
            };
        }
        _out.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');
        return this;
    }

    /// <summary>A sample of the current counter or gauge.</summary>
    public MetricsText Sample(double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (_family is null || _type == MetricType.Histogram)
            throw new InvalidOperationException("a plain sample needs a counter or gauge family first");
        Line(_family, labels, default, Format(value));
        return this;
    }

    public MetricsText Sample(long value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (_family is null || _type == MetricType.Histogram)
            throw new InvalidOperationException("a plain sample needs a counter or gauge family first");
        Line(_family, labels, default, value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>
    /// One histogram of the current family: <paramref name="cumulative"/>[i] observations were at
    /// most <paramref name="bounds"/>[i]; <paramref name="count"/> is the +Inf bucket.
    /// </summary>
    public MetricsText Histogram(IReadOnlyList<double> bounds, IReadOnlyList<long> cumulative, double sum, long count,
        params ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (_family is null || _type != MetricType.Histogram)
            throw new InvalidOperationException("histogram samples need a histogram family first");
        if (bounds.Count != cumulative.Count)
            throw new ArgumentException("one cumulative count per bucket bound", nameof(cumulative));
        for (int i = 0; i < bounds.Count; i++)
            Line(_family + "_bucket", labels, ("le", Format(bounds[i])), cumulative[i].ToString(CultureInfo.InvariantCulture));
        Line(_family + "_bucket", labels, ("le", "+Inf"), count.ToString(CultureInfo.InvariantCulture));
        Line(_family + "_sum", labels, default, Format(sum));
        Line(_family + "_count", labels, default, count.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public override string ToString() => _out.ToString();

    /// <summary>Go's float syntax, as Prometheus reads it: shortest round-trip, +Inf, -Inf, NaN.</summary>
    public static string Format(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A label value between double quotes: backslash, quote and line feed escaped.</summary>
    public static string EscapeLabelValue(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => sb.Append(@"\\"),
                '"' => sb.Append("\\\""),
                '\n' => sb.Append(@"\n"),
                _ => sb.Append(c),
            };
        }
        return sb.ToString();
    }

    public static bool IsMetricName(string s) =>
        s.Length > 0 && !char.IsAsciiDigit(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    public static bool IsLabelName(string s) =>
        s.Length > 0 && !char.IsAsciiDigit(s[0]) && !s.StartsWith("__", StringComparison.Ordinal) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private void Line(string name, ReadOnlySpan<(string Name, string Value)> labels, (string Name, string Value) extra, string value)
    {
        _out.Append(name);
        bool any = false;
        foreach (var (n, v) in labels)
            Label(ref any, n, EscapeLabelValue(v));
        if (extra.Name is not null)
            Label(ref any, extra.Name, extra.Value);
        if (any)
            _out.Append('}');
        _out.Append(' ').Append(value).Append('\n');
    }

    private void Label(ref bool any, string name, string escaped)
    {
        if (!IsLabelName(name))
            throw new ArgumentException($"\"{name}\" is not a Prometheus label name", nameof(name));
        _out.Append(any ? ',' : '{').Append(name).Append("=\"").Append(escaped).Append('"');
        any = true;
    }
}
