using System.Globalization;

namespace Xeno.Cli.Tests.Top;

/// <summary>
/// Reads `xentop -b` / `xl top -b` output back as a script would: iterations split at each
/// header, every row split into the header's columns. Refuses text that does not have that shape.
/// </summary>
internal static class XentopBatchText
{
    public sealed record Row(IReadOnlyDictionary<string, string> Cells)
    {
        public string this[string column] => Cells[column];
        public double Number(string column) => double.Parse(Cells[column], CultureInfo.InvariantCulture);
    }

    public static IReadOnlyList<IReadOnlyList<Row>> Parse(string text)
    {
        var iterations = new List<IReadOnlyList<Row>>();
        List<Row>? current = null;
        string[]? columns = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "NAME")
            {
                columns = words;
                current = [];
                iterations.Add(current);
                continue;
            }
            if (columns is null || current is null)
                throw new FormatException($"a row before any header: {line}");
            // "no limit" is the one cell with a space in it.
            var cells = line.Replace("no limit", "no-limit", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length != columns.Length)
                throw new FormatException($"{cells.Length} cells for {columns.Length} columns: {line}");
            current.Add(new Row(columns.Zip(cells).ToDictionary(p => p.First, p => p.Second)));
        }
        return iterations;
    }
}
