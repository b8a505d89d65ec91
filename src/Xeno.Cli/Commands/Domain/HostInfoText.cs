using System.Globalization;
using System.Text;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl info`'s text from xenod's host facts (GET /v1/host), in xl_info.c's order and formats:
/// "name" padded to 23 columns, then ": value"; with -n, the cpu_topology, device topology and
/// numa_info tables after free_cpus. A name filter prints the value of each line whose text
/// starts with it (xl's maybe_printf); the -n tables ignore the filter, as xl's printf does,
/// and xl uses no filter with -n.
/// </summary>
public static class HostInfoText
{
    public static string Format(HostInfo h, bool numa, string? filter)
    {
        if (numa)
            filter = null;
        var o = new StringBuilder();
        void Field(string name, string value)
        {
            // xl prints "name<pad>:" then the value with its own leading space (virt_caps words
            // each carry one); an empty value leaves no space, and such a line is not filtered in.
            var line = $"{name,-23}:{(value.Length == 0 ? "" : " " + value)}";
            if (filter is null)
                o.Append(line).Append('\n');
            else if (line.StartsWith(filter, StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is int colon &&
                     colon + 1 < line.Length && line[colon + 1] == ' ')
                o.Append(line.AsSpan(colon + 2)).Append('\n');
        }
        var inv = CultureInfo.InvariantCulture;

        Field("host", h.Host);
        Field("release", h.Release);
        Field("version", h.Version);
        Field("machine", h.Machine);
        Field("nr_cpus", h.NrCpus.ToString(inv));
        Field("max_cpu_id", h.MaxCpuId.ToString(inv));
        Field("nr_nodes", h.NrNodes.ToString(inv));
        Field("cores_per_socket", h.CoresPerSocket.ToString(inv));
        Field("threads_per_core", h.ThreadsPerCore.ToString(inv));
        long khz = h.CpuKhz;
        Field("cpu_mhz", string.Create(inv, $"{khz / 1000}.{khz % 1000:000}"));
        Field("hw_caps", string.Join(':', h.HwCaps.Select(w => w.ToString("x8", inv))));
        Field("virt_caps", string.Join(' ', h.VirtCaps));
        Field("total_memory", h.TotalMemoryMib.ToString(inv));
        Field("free_memory", h.FreeMemoryMib.ToString(inv));
        Field("sharing_freed_memory", "0");
        Field("sharing_used_memory", "0");
        Field("outstanding_claims", "0");
        // Every CPU belongs to the one cpupool, Pool-0: none is free.
        Field("free_cpus", "0");
        if (numa)
            Topology(o, h);
        var parts = h.XenoVersion.Split('.');
        Field("xen_major", parts.ElementAtOrDefault(0) ?? "0");
        Field("xen_minor", parts.ElementAtOrDefault(1) ?? "0");
        Field("xen_extra", "." + (parts.ElementAtOrDefault(2) ?? "0"));
        Field("xen_version", h.XenoVersion);
        Field("xen_caps", "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64");
        Field("xen_scheduler", h.XenScheduler);
        Field("xen_pagesize", "4096");
        Field("platform_params", "virt_start=0xffff800000000000");
        Field("xen_changeset", "");
        Field("xen_commandline", "xeno accel=" + h.Accelerator);
        Field("cc_compiler", "dotnet");
        Field("cc_compile_by", "xeno");
        Field("cc_compile_domain", "");
        Field("cc_compile_date", "");
        Field("build_id", "");
        Field("xend_config_format", "4");
        return o.ToString();
    }

    /// <summary>xl's output_topologyinfo then output_numainfo.</summary>
    private static void Topology(StringBuilder o, HostInfo h)
    {
        var inv = CultureInfo.InvariantCulture;
        o.Append("cpu_topology           :\n");
        o.Append("cpu:    core    socket     node\n");
        foreach (var c in h.CpuTopology)
            o.Append(inv, $"{c.Cpu,3}:    {c.Core,4}     {c.Socket,4}     {c.Node,4}\n");
        o.Append("device topology        :\n");
        o.Append("device           node\n");
        var pci = h.PciTopology;
        foreach (var d in pci)
            o.Append(inv, $"{d.Device}      {d.Node}\n");
        if (pci.Count == 0)
            o.Append("No device topology data available\n");
        o.Append("numa_info              :\n");
        o.Append("node:    memsize    memfree    distances\n");
        foreach (var n in h.NumaInfo)
        {
            var distances = n.Distances.Select(d => d.ToString(inv));
            o.Append(inv, $"{n.Node,4}:    {n.MemsizeMib,6}     {n.MemfreeMib,6}      {string.Join(',', distances)}\n");
        }
    }
}
