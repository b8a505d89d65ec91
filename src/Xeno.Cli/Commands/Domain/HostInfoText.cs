using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

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
    public static string Format(JsonNode h, bool numa, string? filter)
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
        string S(string key) => h[key]!.ToString();
        var inv = CultureInfo.InvariantCulture;

        Field("host", S("host"));
        Field("release", S("release"));
        Field("version", S("version"));
        Field("machine", S("machine"));
        Field("nr_cpus", S("nr_cpus"));
        Field("max_cpu_id", S("max_cpu_id"));
        Field("nr_nodes", S("nr_nodes"));
        Field("cores_per_socket", S("cores_per_socket"));
        Field("threads_per_core", S("threads_per_core"));
        long khz = h["cpu_khz"]!.GetValue<long>();
        Field("cpu_mhz", string.Create(inv, $"{khz / 1000}.{khz % 1000:000}"));
        Field("hw_caps", string.Join(':', h["hw_caps"]!.AsArray().Select(w => w!.GetValue<uint>().ToString("x8", inv))));
        Field("virt_caps", string.Join(' ', h["virt_caps"]!.AsArray().Select(w => w!.GetValue<string>())));
        Field("total_memory", S("total_memory_mib"));
        Field("free_memory", S("free_memory_mib"));
        Field("sharing_freed_memory", "0");
        Field("sharing_used_memory", "0");
        Field("outstanding_claims", "0");
        // Every CPU belongs to the one cpupool, Pool-0: none is free.
        Field("free_cpus", "0");
        if (numa)
            Topology(o, h);
        var parts = S("xeno_version").Split('.');
        Field("xen_major", parts.ElementAtOrDefault(0) ?? "0");
        Field("xen_minor", parts.ElementAtOrDefault(1) ?? "0");
        Field("xen_extra", "." + (parts.ElementAtOrDefault(2) ?? "0"));
        Field("xen_version", S("xeno_version"));
        Field("xen_caps", "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64");
        Field("xen_scheduler", S("xen_scheduler"));
        Field("xen_pagesize", "4096");
        Field("platform_params", "virt_start=0xffff800000000000");
        Field("xen_changeset", "");
        Field("xen_commandline", "xeno accel=" + S("accelerator"));
        Field("cc_compiler", "dotnet");
        Field("cc_compile_by", "xeno");
        Field("cc_compile_domain", "");
        Field("cc_compile_date", "");
        Field("build_id", "");
        Field("xend_config_format", "4");
        return o.ToString();
    }

    /// <summary>xl's output_topologyinfo then output_numainfo.</summary>
    private static void Topology(StringBuilder o, JsonNode h)
    {
        var inv = CultureInfo.InvariantCulture;
        o.Append("cpu_topology           :\n");
        o.Append("cpu:    core    socket     node\n");
        foreach (var c in h["cpu_topology"]!.AsArray())
            o.Append(inv, $"{I(c, "cpu"),3}:    {I(c, "core"),4}     {I(c, "socket"),4}     {I(c, "node"),4}\n");
        o.Append("device topology        :\n");
        o.Append("device           node\n");
        var pci = h["pci_topology"]!.AsArray();
        foreach (var d in pci)
            o.Append(inv, $"{d!["device"]!.GetValue<string>()}      {I(d, "node")}\n");
        if (pci.Count == 0)
            o.Append("No device topology data available\n");
        o.Append("numa_info              :\n");
        o.Append("node:    memsize    memfree    distances\n");
        foreach (var n in h["numa_info"]!.AsArray())
        {
            var distances = n!["distances"]!.AsArray().Select(d => d!.GetValue<int>().ToString(inv));
            o.Append(inv, $"{I(n, "node"),4}:    {n["memsize_mib"]!.GetValue<long>(),6}     {n["memfree_mib"]!.GetValue<long>(),6}      {string.Join(',', distances)}\n");
        }
    }

    private static int I(JsonNode? n, string key) => n![key]!.GetValue<int>();
}
