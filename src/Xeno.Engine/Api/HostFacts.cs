using System.Globalization;
using Xeno.Api.Contracts;

namespace Xeno.Engine.Api;

/// <summary>This host's facts for `xl info` and the Domain-0 row of `xl list`, read from /proc.</summary>
internal static class HostFacts
{
    public static HostInfo Read(string accelerator, DateTimeOffset daemonStart)
    {
        var meminfo = ReadKeyValues("/proc/meminfo");
        long totalKb = Kb(meminfo, "MemTotal"), freeKb = Kb(meminfo, "MemAvailable");
        var cpuinfo = SafeRead("/proc/cpuinfo");
        double mhz = 0;
        foreach (var line in cpuinfo.Split('\n'))
        {
            if (line.StartsWith("cpu MHz", StringComparison.Ordinal) && double.TryParse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture, out mhz))
                break;
        }
        return new HostInfo
        {
            Host = Environment.MachineName,
            Release = SafeRead("/proc/sys/kernel/osrelease").Trim(),
            Version = SafeRead("/proc/sys/kernel/version").Trim(),
            Machine = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64 ? "x86_64" : System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            NrCpus = Environment.ProcessorCount,
            CpuMhz = mhz,
            TotalMemoryMib = totalKb / 1024,
            FreeMemoryMib = freeKb / 1024,
            HostCpuSeconds = HostCpuSeconds(),
            CpuSeconds = PerCpuSeconds(),
            Accelerator = accelerator,
            UptimeSeconds = double.TryParse(SafeRead("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture, out var up) ? up : 0,
            DaemonStart = daemonStart.ToUnixTimeMilliseconds() / 1000.0,
            XenoVersion = typeof(HostFacts).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        };
    }

    /// <summary>user + nice + system time of all CPUs from /proc/stat (the host's "Domain-0" time).</summary>
    private static double HostCpuSeconds()
    {
        var first = SafeRead("/proc/stat").Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (first.Length < 4 || first[0] != "cpu")
            return 0;
        long ticks = 0;
        foreach (var i in new[] { 1, 2, 3 })
            ticks += long.TryParse(first[i], CultureInfo.InvariantCulture, out var t) ? t : 0;
        return ticks / 100.0;
    }

    /// <summary>user + nice + system seconds of each host CPU (the "cpuN" lines of /proc/stat): Domain-0's vCPU times.</summary>
    private static List<double> PerCpuSeconds()
    {
        var result = new List<double>();
        foreach (var line in SafeRead("/proc/stat").Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || !f[0].StartsWith("cpu", StringComparison.Ordinal) || f[0].Length == 3)
                continue;
            long ticks = 0;
            foreach (var i in new[] { 1, 2, 3 })
                ticks += long.TryParse(f[i], CultureInfo.InvariantCulture, out var t) ? t : 0;
            result.Add(ticks / 100.0);
        }
        return result;
    }

    private static Dictionary<string, string> ReadKeyValues(string path)
    {
        var d = new Dictionary<string, string>();
        foreach (var line in SafeRead(path).Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0)
                d[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return d;
    }

    private static long Kb(Dictionary<string, string> d, string key) =>
        d.TryGetValue(key, out var v) && long.TryParse(v.Split(' ')[0], CultureInfo.InvariantCulture, out var kb) ? kb : 0;

    private static string SafeRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
