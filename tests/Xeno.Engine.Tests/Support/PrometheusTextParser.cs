using System.Globalization;
using System.Text;

namespace Xeno.Engine.Tests.Support;

/// <summary>One sample of a scrape: metric name, labels, value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.TryGetValue(label, out var v) ? v : null;
}

/// <summary>
/// A strict reader of Prometheus' text format 0.0.4, written for the tests (independent of
/// the writer it checks): HELP and TYPE lines, label escapes (\\, \", \n and nothing else),
/// Go float syntax, each family's samples together and after its TYPE, a histogram's
/// _bucket/_sum/_count, no sample twice. Anything else throws <see cref="FormatException"/>.
/// </summary>
internal static class PrometheusTextParser
{
    public sealed record Scrape(IReadOnlyList<PrometheusSample> Samples, IReadOnlyDictionary<string, string> Types, IReadOnlyDictionary<string, string> Help)
    {
        public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);
    }

    public static Scrape Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? family = null;
        if (text.Length > 0 && !text.EndsWith('\n'))
            throw new FormatException("the exposition does not end with a line feed");
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length - 1; n++)
        {
            var line = lines[n];
            string Where() => $"line {n + 1} \"{line}\"";
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    string name = parts[2];
                    if (!IsMetricName(name))
                        throw new FormatException($"bad metric name in {Where()}");
                    if (family != name)
                    {
                        if (family is not null)
                            finished.Add(family);
                        if (finished.Contains(name))
                            throw new FormatException($"family {name} appears twice ({Where()})");
                        family = name;
                    }
                    if (parts[1] == "TYPE")
                    {
                        if (parts.Length != 4 || parts[3] is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                            throw new FormatException($"bad TYPE in {Where()}");
                        if (types.ContainsKey(name) || samples.Any(s => FamilyOf(s.Name, types) == name))
                            throw new FormatException($"TYPE of {name} after its samples or twice ({Where()})");
                        types[name] = parts[3];
                    }
                    else
                    {
                        help[name] = parts.Length == 4 ? UnescapeHelp(parts[3], Where) : "";
                    }
                }
                continue;
            }
            var sample = ParseSample(line, Where);
            var fam = FamilyOf(sample.Name, types);
            if (fam != family)
            {
                if (family is not null)
                    finished.Add(family);
                if (finished.Contains(fam))
                    throw new FormatException($"samples of {fam} are not together ({Where()})");
                family = fam;
            }
            if (types.TryGetValue(fam, out var type) && type == "counter" && !sample.Name.EndsWith("_total", StringComparison.Ordinal))
                throw new FormatException($"counter {sample.Name} does not end in _total ({Where()})");
            if (types.TryGetValue(fam, out type) && type == "histogram" && sample.Name == fam)
                throw new FormatException($"histogram {fam} has a bare sample ({Where()})");
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!seen.Add(key))
                throw new FormatException($"sample {key} appears twice ({Where()})");
            samples.Add(sample);
        }
        return new Scrape(samples, types, help);
    }

    private static string FamilyOf(string sample, IReadOnlyDictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sample[..^suffix.Length], out var t) && t is "histogram" or "summary")
                return sample[..^suffix.Length];
        }
        return sample;
    }

    private static PrometheusSample ParseSample(string line, Func<string> where)
    {
        int i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
            i++;
        var name = line[..i];
        if (!IsMetricName(name))
            throw new FormatException($"bad metric name in {where()}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }
                int start = i;
                while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_'))
                    i++;
                var label = line[start..i];
                if (label.Length == 0 || char.IsAsciiDigit(label[0]))
                    throw new FormatException($"bad label name at column {start + 1} of {where()}");
                if (i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
                    throw new FormatException($"label {label} is not followed by =\" in {where()}");
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                        throw new FormatException($"unterminated value of label {label} in {where()}");
                    char c = line[i++];
                    if (c == '"')
                        break;
                    if (c == '\\')
                    {
                        if (i >= line.Length)
                            throw new FormatException($"dangling backslash in {where()}");
                        char e = line[i++];
                        value.Append(e switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"unknown escape \\{e} in {where()}"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }
                if (!labels.TryAdd(label, value.ToString()))
                    throw new FormatException($"label {label} twice in {where()}");
                if (i < line.Length && line[i] == ',')
                    i++;
                else if (i >= line.Length || line[i] != '}')
                    throw new FormatException($"expected , or }} after label {label} in {where()}");
            }
        }
        if (i >= line.Length || line[i] != ' ')
            throw new FormatException($"no blank before the value in {where()}");
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2)
            throw new FormatException($"expected a value and an optional timestamp in {where()}");
        double v = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => throw new FormatException($"bad value \"{rest[0]}\" in {where()}"),
        };
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"bad timestamp in {where()}");
        return new PrometheusSample(name, labels, v);
    }

    private static string UnescapeHelp(string s, Func<string> where)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\')
            {
                sb.Append(s[i]);
                continue;
            }
            if (++i >= s.Length)
                throw new FormatException($"dangling backslash in HELP, {where()}");
            sb.Append(s[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                _ => throw new FormatException($"unknown escape in HELP, {where()}"),
            });
        }
        return sb.ToString();
    }

    private static bool IsMetricName(string s) =>
        s.Length > 0 && !char.IsAsciiDigit(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');
}
