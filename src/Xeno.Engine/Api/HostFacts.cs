using System.Globalization;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>
/// This host's facts for `xl info` and the Domain-0 row of `xl list`, read from /proc and /sys
/// (docs/api.md, GET /v1/host). Memory is accounted with <see cref="HostMemoryAccount"/> against
/// the guests listed in the same request, so total = free + Domain-0 + Σ guests holds.
/// </summary>
internal static class HostFacts
{
    /// <summary>
    /// The scheduler Xeno stands for by default: Xen's "credit" (weight and cap per domain, which
    /// `xl sched-credit` maps onto the host's CPU controller); EngineOptions.Scheduler may say credit2.
    /// </summary>
    public const string Scheduler = "credit";

    public static HostInfo Read(string accelerator, DateTimeOffset daemonStart, IReadOnlyList<GuestMemoryUse> guests)
    {
        var meminfo = ReadKeyValues("/proc/meminfo");
        var memory = HostMemoryAccount.Account(Kb(meminfo, "MemTotal"), Kb(meminfo, "MemAvailable"),
            guests.Select(g => (g.TargetKb / 1024, g.QemuPid is { } pid ? Qemu.Processes.ProcFs.Host.ResidentKb(pid) ?? 0L : 0L)));
        var topology = HostTopology.Read();
        bool kvm = accelerator == "kvm";
        return new HostInfo
        {
            Host = Environment.MachineName,
            Release = SafeRead("/proc/sys/kernel/osrelease").Trim(),
            Version = SafeRead("/proc/sys/kernel/version").Trim(),
            Machine = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64 ? "x86_64" : System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            NrCpus = topology.Cpus.Count,
            MaxCpuId = topology.Cpus.Count == 0 ? 0 : topology.Cpus.Max(c => c.Cpu),
            NrNodes = topology.Nodes.Count,
            CoresPerSocket = topology.CoresPerSocket,
            ThreadsPerCore = topology.ThreadsPerCore,
            Sockets = topology.Sockets,
            CpuKhz = CpuKhz(SafeRead("/proc/cpuinfo")),
            HwCaps = HostCpuFeatures.Read(),
            // Xen's words for what this host can run: pv, pvh and hvm guests all run; paging is
            // the CPU's (hap) under KVM, software (shadow, as TCG's soft MMU is) otherwise.
            VirtCaps = ["pv", "hvm", kvm ? "hap" : "shadow"],
            XenScheduler = Scheduler,
            TotalMemoryMib = memory.TotalMiB,
            FreeMemoryMib = memory.FreeMiB,
            Dom0MemoryMib = memory.Dom0MiB,
            CpuTopology = [.. topology.Cpus.Select(c => new HostCpuInfo { Cpu = c.Cpu, Core = c.Core, Socket = c.Socket, Node = c.Node })],
            NumaInfo = [.. topology.Nodes.Select(n => new HostNumaNode
            {
                Node = n.Node, MemsizeMib = n.MemTotalKb / 1024, MemfreeMib = n.MemFreeKb / 1024, Distances = n.Distances,
            })],
            PciTopology = [.. topology.PciNodes.Select(p => new HostPciDevice { Device = p.Device, Node = p.Node })],
            HostCpuSeconds = HostCpuSeconds(),
            CpuSeconds = PerCpuSeconds(),
            Accelerator = accelerator,
            UptimeSeconds = double.TryParse(SafeRead("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture, out var up) ? up : 0,
            DaemonStart = daemonStart.ToUnixTimeMilliseconds() / 1000.0,
            XenoVersion = typeof(HostFacts).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        };
    }

    /// <summary>
    /// Xen's cpu_khz from the first "cpu MHz" line of /proc/cpuinfo ("2100.000" is 2100000),
    /// read as decimal digits so no binary rounding changes the last place; 0 if there is none.
    /// </summary>
    internal static long CpuKhz(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            if (!line.StartsWith("cpu MHz", StringComparison.Ordinal))
                continue;
            var text = line[(line.IndexOf(':') + 1)..].Trim();
            return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var mhz) ? (long)decimal.Truncate(mhz * 1000) : 0;
        }
        return 0;
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
