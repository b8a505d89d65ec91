using System.Globalization;

namespace Xeno.Engine.Bench;

/// <summary>The host's state the fleet run checks and reports: free memory and load, from /proc.</summary>
internal static class HostMemory
{
    public static long AvailableMiB()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                return long.Parse(line["MemAvailable:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024;
        }
        throw new InvalidDataException("no MemAvailable in /proc/meminfo");
    }

    /// <summary>"1.23 4.56 7.89": the 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The 1 minute load average alone, for a report's "load average at the end".</summary>
    public static double LoadAverage1Min() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}

/// <summary>An xl command timed as a whole process with the fleet running; Error when it failed.</summary>
internal sealed record BusyXlTiming(string Command, List<double> Milliseconds, string? Error);
