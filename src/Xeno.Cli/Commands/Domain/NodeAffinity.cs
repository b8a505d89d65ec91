using Xeno.Api.Contracts;
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
    public static IReadOnlyList<IReadOnlyList<int>> HostNodes(HostInfo host)
    {
        int count = host.NrNodes;
        var nodes = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        foreach (var c in host.CpuTopology)
        {
            if (c.Node >= 0 && c.Node < count)
                nodes[c.Node].Add(c.Cpu);
        }
        return nodes;
    }

    /// <summary>The nodes a domain's vCPUs may run on (all nodes when it has no vCPU threads yet).</summary>
    public static IReadOnlySet<int> OfDomain(DomainInfo domain, IReadOnlyList<IReadOnlyList<int>> nodes)
    {
        var all = Enumerable.Range(0, nodes.Count).ToHashSet();
        var vcpus = domain.VcpuList;
        if (vcpus.Count == 0)
            return all;
        var topology = new HostCpuTopology(nodes.Sum(n => n.Count), nodes);
        var cpus = new HashSet<int>();
        foreach (var v in vcpus)
        {
            var parsed = CpuList.Parse(v.Affinity, topology);
            if (!parsed.Ok)
                return all;
            cpus.UnionWith(parsed.Value!);
        }
        return Enumerable.Range(0, nodes.Count).Where(n => nodes[n].Any(cpus.Contains)).ToHashSet();
    }

    /// <summary>xl's print_bitmap: "all", "none", or ranges such as "0,2-3".</summary>
    public static string Format(IReadOnlySet<int> set, int nrNodes) => VcpuPinCommand.Format(set, nrNodes);
}
