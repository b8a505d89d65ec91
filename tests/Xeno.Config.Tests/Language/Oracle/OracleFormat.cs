using System.Text;
using Xeno.Config.Language;

namespace Xeno.Config.Tests.Language.Oracle;

/// <summary>Writes our parser's results in the oracle's output format so the two can be compared line by line.</summary>
internal static class OracleFormat
{
    public static string Escape(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            if (b < 0x20 || b > 0x7e || b == '"' || b == '\\') sb.Append($"\\x{b:x2}");
            else sb.Append((char)b);
        }
        return sb.Append('"').ToString();
    }

    public static string Value(ConfigValue v)
    {
        // Iterative so that the deepest lists libxlutil accepts do not need deep recursion here.
        var sb = new StringBuilder();
        var work = new Stack<object>();
        work.Push(v);
        while (work.Count > 0)
        {
            switch (work.Pop())
            {
                case string literal:
                    sb.Append(literal);
                    break;
                case ConfigString s:
                    sb.Append(Escape(s.Text)).Append('@').Append(s.Line).Append(".0");
                    break;
                case ConfigList l:
                    sb.Append('[');
                    work.Push($"]@{l.Line}.0");
                    for (int i = l.Items.Count - 1; i >= 0; i--)
                    {
                        work.Push(l.Items[i]);
                        if (i > 0) work.Push(",");
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    public static IReadOnlyList<string> Settings(ConfigDocument doc) =>
        doc.Settings.Select(s => $"set {s.Key} {(s.Operation == ConfigOperation.Add ? 1 : 0)} {s.Line} {Value(s.Value)}").ToList();

    /// <summary>Runs one oracle-style query ("long:key", "quiet-string:key", ...) against our reader.</summary>
    public static IEnumerable<string> Query(ConfigDocument doc, string query)
    {
        var reader = new ConfigReader(doc);
        bool quiet = query.StartsWith("quiet-", StringComparison.Ordinal);
        var q = quiet ? query[6..] : query;
        int colon = q.IndexOf(':');
        var kind = q[..colon];
        var key = q[(colon + 1)..];
        string result;
        switch (kind)
        {
            case "string":
                result = reader.TryGetString(key, out var s, quiet) ? $"0 {Escape(s)}" : Fail(reader, key);
                break;
            case "long":
                result = reader.TryGetLong(key, out var l, quiet) ? $"0 {l}" : Fail(reader, key);
                break;
            case "blong":
            {
                var parts = key.Split(':');
                result = reader.TryGetBoundedLong(parts[0], long.Parse(parts[1]), long.Parse(parts[2]), out var b, quiet)
                    ? $"0 {b}" : Fail(reader, parts[0]);
                break;
            }
            case "bool":
                result = reader.TryGetBool(key, out var f, quiet) ? $"0 {(f ? "true" : "false")}" : Fail(reader, key);
                break;
            case "list":
                result = reader.TryGetList(key, out var list, quiet)
                    ? string.Join(' ', new[] { "0", list.Items.Count.ToString() }.Concat(
                        Enumerable.Range(0, list.Items.Count).Select(i => list.StringAt(i) is { } t ? Escape(t) : "null")))
                    : Fail(reader, key);
                break;
            case "strlist":
                result = reader.TryGetStringList(key, out var items, quiet)
                    ? string.Join(' ', new[] { "0", items.Count.ToString() }.Concat(items.Select(Escape)))
                    : Fail(reader, key);
                break;
            default:
                throw new ArgumentException(query);
        }
        return new[] { $"query {query}" }.Concat(reader.Warnings).Append($"result {result}");
    }

    // The oracle prints errno values; ours only says "missing" or "failed", so those are normalised.
    private static string Fail(ConfigReader reader, string key) => reader.Has(key) ? "FAIL" : "3";

    /// <summary>Normalises an oracle result line the same way (any errno other than ESRCH is a failure).</summary>
    public static string NormaliseOracleLine(string line)
    {
        if (!line.StartsWith("result ", StringComparison.Ordinal)) return line;
        var rest = line[7..];
        var code = rest.Split(' ')[0];
        return code is "0" or "3" ? line : "result FAIL";
    }
}
