using Xeno.Config.Specs;
using Xeno.Host;

namespace Xeno.Cli.Hosting;

/// <summary>
/// The host as xl sees it: Xen's directory layout under one prefix (so isolated instances can run
/// side by side), and facts read from /proc and /sys.
/// </summary>
public sealed class XenoHost
{
    public XenoHost(string prefix)
    {
        Layout = new HostLayout(prefix);
    }

    /// <summary>Xeno's folders under the prefix, shared with xenod.</summary>
    public HostLayout Layout { get; }

    /// <summary>From `--prefix`, else $XENO_PREFIX, else "/".</summary>
    public string Prefix => Layout.Prefix;

    public string XlConfPath => Layout.XlConf;
    public string DaemonSocket => Layout.DaemonSocket;

    /// <summary>Online CPUs and NUMA nodes, for cpus= and node: in CPU lists.</summary>
    public static HostCpuTopology ReadCpuTopology()
    {
        int cpus = Environment.ProcessorCount;
        var nodes = new List<IReadOnlyList<int>>();
        const string nodeRoot = "/sys/devices/system/node";
        if (Directory.Exists(nodeRoot))
        {
            for (int n = 0; ; n++)
            {
                var list = Path.Combine(nodeRoot, $"node{n}", "cpulist");
                if (!File.Exists(list)) break;
                // A list the kernel would not write is skipped rather than guessed at.
                if (KernelCpuList.TryParse(File.ReadAllText(list).Trim(), out var nodeCpus)) nodes.Add([.. nodeCpus]);
            }
        }
        if (nodes.Count == 0) nodes.Add(Enumerable.Range(0, cpus).ToList());
        int highest = nodes.SelectMany(n => n).DefaultIfEmpty(cpus - 1).Max();
        return new HostCpuTopology(Math.Max(cpus, highest + 1), nodes);
    }
}
