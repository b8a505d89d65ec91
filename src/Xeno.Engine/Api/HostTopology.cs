using System.Globalization;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Api;

/// <summary>Where one host CPU sits: Xen's cpu_topology row (core id, socket id, NUMA node).</summary>
internal sealed record HostCpuPlace(int Cpu, int Core, int Socket, int Node);

/// <summary>One NUMA node: Xen's numa_info row (sizes in KiB here; xl prints MiB).</summary>
internal sealed record HostNode(int Node, long MemTotalKb, long MemFreeKb, IReadOnlyList<int> Distances);

/// <summary>A PCI device with a NUMA node: Xen's "device topology" row.</summary>
internal sealed record HostPciNode(string Device, int Node);

/// <summary>
/// The host's CPU and NUMA layout from sysfs, as Xen's physinfo, cpu_topology and numa_info
/// report it. threads_per_core and cores_per_socket follow Xen's definition: the weight of
/// CPU 0's sibling mask, and of its core mask divided by that.
/// </summary>
internal sealed record HostTopology(
    IReadOnlyList<HostCpuPlace> Cpus,
    IReadOnlyList<HostNode> Nodes,
    IReadOnlyList<HostPciNode> PciNodes,
    int ThreadsPerCore,
    int CoresPerSocket,
    int Sockets)
{
    /// <summary>Reads <paramref name="sys"/> (normally /sys); a kernel without NUMA support is one node.</summary>
    public static HostTopology Read(string sys = "/sys")
    {
        var cpuRoot = Path.Combine(sys, "devices/system/cpu");
        var nodeRoot = Path.Combine(sys, "devices/system/node");
        var online = CpuSet(Path.Combine(cpuRoot, "online"));
        if (online.Count == 0)
            online = [.. Enumerable.Range(0, Environment.ProcessorCount)];

        var nodes = new List<HostNode>();
        var nodeOfCpu = new Dictionary<int, int>();
        foreach (int n in CpuSet(Path.Combine(nodeRoot, "online")))
        {
            var dir = Path.Combine(nodeRoot, "node" + n.ToString(CultureInfo.InvariantCulture));
            foreach (int cpu in CpuSet(Path.Combine(dir, "cpulist")))
                nodeOfCpu[cpu] = n;
            var meminfo = ReadText(Path.Combine(dir, "meminfo"));
            var distances = ReadText(Path.Combine(dir, "distance"))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0).ToArray();
            nodes.Add(new HostNode(n, NodeKb(meminfo, "MemTotal"), NodeKb(meminfo, "MemFree"), distances));
        }
        if (nodes.Count == 0)
        {
            // No NUMA in this kernel: one node with all memory and local distance 10, as Xen shows.
            var meminfo = ReadText("/proc/meminfo");
            nodes.Add(new HostNode(0, NodeKb(meminfo, "MemTotal"), NodeKb(meminfo, "MemFree"), [10]));
        }

        var cpus = new List<HostCpuPlace>();
        foreach (int cpu in online)
        {
            var topo = Path.Combine(cpuRoot, "cpu" + cpu.ToString(CultureInfo.InvariantCulture), "topology");
            cpus.Add(new HostCpuPlace(cpu, Int(Path.Combine(topo, "core_id")), Int(Path.Combine(topo, "physical_package_id")),
                nodeOfCpu.TryGetValue(cpu, out var node) ? node : 0));
        }

        int first = online.Min;
        var firstTopo = Path.Combine(cpuRoot, "cpu" + first.ToString(CultureInfo.InvariantCulture), "topology");
        int threads = Math.Max(1, CpuSet(Path.Combine(firstTopo, "thread_siblings_list")).Count);
        int coreMask = Math.Max(threads, CpuSet(Path.Combine(firstTopo, "core_siblings_list")).Count);
        int sockets = Math.Max(1, cpus.Select(c => c.Socket).Distinct().Count());
        return new HostTopology(cpus, nodes, ReadPciNodes(Path.Combine(sys, "bus/pci/devices")), threads, coreMask / threads, sockets);
    }

    /// <summary>PCI devices whose numa_node is a node (-1, no node, is left out as Xen leaves it out).</summary>
    private static List<HostPciNode> ReadPciNodes(string root)
    {
        var result = new List<HostPciNode>();
        if (!Directory.Exists(root))
            return result;
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (int.TryParse(ReadText(Path.Combine(dir, "numa_node")).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int node) && node >= 0)
                result.Add(new HostPciNode(Path.GetFileName(dir), node));
        }
        return result;
    }

    /// <summary>"Node 0 MemTotal:  24731400 kB" (sysfs) or "MemTotal:  24731400 kB" (/proc/meminfo).</summary>
    private static long NodeKb(string meminfo, string key)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            int at = line.IndexOf(key + ":", StringComparison.Ordinal);
            if (at < 0)
                continue;
            var value = line[(at + key.Length + 1)..].Trim().Split(' ')[0];
            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : 0;
        }
        return 0;
    }

    private static SortedSet<int> CpuSet(string path) =>
        Xeno.Host.KernelCpuList.TryParse(ReadText(path).Trim(), out var set) ? set : [];

    private static int Int(string path) =>
        int.TryParse(ReadText(path).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
