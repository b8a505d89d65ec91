using System.Diagnostics;
using System.Globalization;

namespace Xeno.Panel.Bench.Load;

/// <summary>One timed request of a load run: what it came to ("ok", "429", …) and its latency.</summary>
internal sealed record LoadSample(string Kind, double Milliseconds);

/// <summary>
/// A bounded closed-loop load: <c>clients</c> concurrent clients, each sending its next request
/// as soon as the last is answered, until <c>duration</c> is over (requests under way finish).
/// </summary>
internal static class LoadRun
{
    public sealed record Result(List<LoadSample> Samples, double Seconds, double PanelCpuSeconds);

    public static async Task<Result> RunAsync(int clients, TimeSpan duration, int panelPid, Func<int, int, Task<LoadSample>> request)
    {
        var samples = new List<LoadSample>();
        double cpu0 = CpuSeconds(panelPid);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (int i = 0; clock.Elapsed < duration; i++)
            {
                var s = await request(c, i);
                lock (samples) samples.Add(s);
            }
        })));
        double seconds = clock.Elapsed.TotalSeconds;
        return new Result(samples, seconds, CpuSeconds(panelPid) - cpu0);
    }

    /// <summary>A process's user + system CPU time so far, from /proc/PID/stat.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold blanks) in parentheses: utime is the 14th field overall.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }
}
