using Xeno.Boot.Loaders;

namespace Xeno.Pygrub.Cli;

/// <summary>
/// pygrub's interactive menu, as plain lines on the terminal: the entries with the default
/// marked, a countdown from the config's timeout, and a number (or Enter) to choose.
/// Any key stops the countdown, as in pygrub.
/// </summary>
internal sealed class TerminalMenu(TextReader input, TextWriter output, Func<TimeSpan, Task<string?>>? readLineWithin = null)
{
    public int Choose(BootMenu menu, int defaultIndex)
    {
        output.WriteLine("    pyGRUB  version 0.7");
        for (int i = 0; i < menu.Entries.Count; i++)
            output.WriteLine($"{(i == defaultIndex ? '*' : ' ')} {i,2}  {menu.Entries[i].Title}");
        int timeout = PythonInt.TryParse(menu.Timeout, out var t) && t >= 0 && t < 3600 ? (int)t : -1;
        while (true)
        {
            output.Write(timeout >= 0
                ? $"Will boot selected entry in {timeout,2} seconds; entry number or Enter: "
                : "Entry number or Enter: ");
            output.Flush();
            string? line = timeout >= 0 ? ReadWithin(TimeSpan.FromSeconds(timeout)) : input.ReadLine();
            if (line is null) { output.WriteLine(); return defaultIndex; }
            line = line.Trim();
            if (line.Length == 0) return defaultIndex;
            if (PythonInt.TryParse(line, out var n) && n >= 0 && n < menu.Entries.Count) return (int)n;
            output.WriteLine($"No entry {line}.");
            timeout = -1;
        }
    }

    private string? ReadWithin(TimeSpan limit)
    {
        var read = readLineWithin?.Invoke(limit) ?? Task.Run(input.ReadLine);
        return read.Wait(limit) ? read.Result : null;
    }
}
