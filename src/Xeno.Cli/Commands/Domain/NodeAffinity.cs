using System.Text.Json.Nodes;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl list -n`'s NODE Affinity column. Xen derives a domain's node affinity from its vCPUs'
/// hard affinity when nothing set it explicitly (Xeno has no numa placement): the nodes that
/// hold at least one CPU some vCPU may run on. Printed as xl's print_bitmap over nr_nodes.
/// </summary>
public static class NodeAffinity
{
    /// <summary>The CPUs of each host node, from the host facts' cpu_topology.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> HostNodes(JsonNode host)
    {
        int count = host["nr_nodes"]!.GetValue<int>();
        var nodes = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        foreach (var c in host["cpu_topology"]!.AsArray())
        {
            int node = c!["node"]!.GetValue<int>();
            if (node >= 0 && node < count)
                nodes[node].Add(c["cpu"]!.GetValue<int>());
        }
        return nodes;
    }

    /// <summary>The nodes a domain's vCPUs may run on (all nodes when it has no vCPU threads yet).</summary>
    public static IReadOnlySet<int> OfDomain(JsonNode domain, IReadOnlyList<IReadOnlyList<int>> nodes)
    {
        var all = Enumerable.Range(0, nodes.Count).ToHashSet();
        var vcpus = domain["vcpu_list"]?.AsArray();
        if (vcpus is null || vcpus.Count == 0)
            return all;
        var topology = new HostCpuTopology(nodes.Sum(n => n.Count), nodes);
        var cpus = new HashSet<int>();
        foreach (var v in vcpus)
        {
            var parsed = CpuList.Parse(v!["affinity"]!.GetValue<string>(), topology);
            if (!parsed.Ok)
                return all;
            cpus.UnionWith(parsed.Value!);
        }
        return Enumerable.Range(0, nodes.Count).Where(n => nodes[n].Any(cpus.Contains)).ToHashSet();
    }

    /// <summary>xl's print_bitmap: "all", "none", or ranges such as "0,2-3".</summary>
    public static string Format(IReadOnlySet<int> set, int nrNodes) => VcpuPinCommand.Format(set, nrNodes);
}
