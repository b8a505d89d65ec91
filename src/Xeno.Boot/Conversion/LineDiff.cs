using System.Text;

namespace Xeno.Boot.Conversion;

/// <summary>
/// A unified diff (as `diff -u` prints it: `---`/`+++` headers, `@@` hunks with three lines of
/// context) of two small texts, by longest common subsequence. For reports of config files, which
/// are at most a few thousand lines.
/// </summary>
public static class LineDiff
{
    private const int Context = 3;

    public static string Unified(string path, string? before, string? after)
    {
        var a = Lines(before);
        var b = Lines(after);
        var ops = Script(a, b);
        var text = new StringBuilder();
        text.Append(before is null ? "--- /dev/null\n" : $"--- a{path}\n");
        text.Append(after is null ? "+++ /dev/null\n" : $"+++ b{path}\n");
        int i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == ' ') { i++; continue; }
            // A hunk: from up to three context lines before this change to three after the last
            // change that is at most six context lines further on.
            int start = Math.Max(0, i - Context);
            int end = i;
            while (end < ops.Count)
            {
                if (ops[end].Kind != ' ') { end++; continue; }
                int run = end;
                while (run < ops.Count && ops[run].Kind == ' ') run++;
                if (run == ops.Count || run - end > 2 * Context) { end = Math.Min(ops.Count, end + Context); break; }
                end = run;
            }
            int oldStart = ops[start].OldLine, newStart = ops[start].NewLine;
            int oldCount = 0, newCount = 0;
            for (int k = start; k < end; k++)
            {
                if (ops[k].Kind != '+') oldCount++;
                if (ops[k].Kind != '-') newCount++;
            }
            text.Append($"@@ -{Range(oldStart, oldCount)} +{Range(newStart, newCount)} @@\n");
            for (int k = start; k < end; k++) text.Append(ops[k].Kind).Append(ops[k].Text).Append('\n');
            i = end;
        }
        return text.ToString();
    }

    private static string Range(int firstLine, int count) =>
        count == 1 ? $"{firstLine}" : $"{(count == 0 ? firstLine - 1 : firstLine)},{count}";

    private static string[] Lines(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private readonly record struct Op(char Kind, string Text, int OldLine, int NewLine);

    private static List<Op> Script(string[] a, string[] b)
    {
        // Trim the common head and tail first: conversions change a few lines of long files.
        int head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head]) head++;
        int tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)]) tail++;
        int n = a.Length - head - tail, m = b.Length - head - tail;
        var lcs = new int[n + 1, m + 1];
        for (int x = n - 1; x >= 0; x--)
            for (int y = m - 1; y >= 0; y--)
                lcs[x, y] = a[head + x] == b[head + y] ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);

        var ops = new List<Op>(a.Length + b.Length);
        for (int k = 0; k < head; k++) ops.Add(new Op(' ', a[k], k + 1, k + 1));
        int p = 0, q = 0;
        while (p < n || q < m)
        {
            if (p < n && q < m && a[head + p] == b[head + q])
            {
                ops.Add(new Op(' ', a[head + p], head + p + 1, head + q + 1)); p++; q++;
            }
            else if (p < n && (q == m || lcs[p + 1, q] >= lcs[p, q + 1]))
            {
                // Removals before additions, as diff -u prints a replaced line.
                ops.Add(new Op('-', a[head + p], head + p + 1, head + q + 1)); p++;
            }
            else
            {
                ops.Add(new Op('+', b[head + q], head + p + 1, head + q + 1)); q++;
            }
        }
        for (int k = 0; k < tail; k++)
            ops.Add(new Op(' ', a[a.Length - tail + k], a.Length - tail + k + 1, b.Length - tail + k + 1));
        return ops;
    }
}
