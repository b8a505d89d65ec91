using Xeno.Config.Text;

namespace Xeno.Config.Specs;

/// <summary>The host's CPUs: how many, and which belong to each NUMA node.</summary>
public sealed record HostCpuTopology(int CpuCount, IReadOnlyList<IReadOnlyList<int>> NodeCpus)
{
    /// <summary>One node holding every CPU, the usual shape of a small host.</summary>
    public static HostCpuTopology SingleNode(int cpuCount) =>
        new(cpuCount, [Enumerable.Range(0, cpuCount).ToArray()]);
}

/// <summary>
/// CPU lists as xl reads them (parse_cpurange): comma-separated <c>N</c>, <c>N-M</c>, <c>all</c>,
/// <c>node:N</c>/<c>nodes:N-M</c>, each optionally negated with <c>^</c>, applied left to right.
/// </summary>
public static class CpuList
{
    /// <summary>What xl prints (and exits on) when a vCPU's hard affinity (cpus=, vcpu-pin)
    /// selects no CPU; the list itself parses fine, so callers apply this check.</summary>
    public const string EmptyHardAffinityMessage = "vcpu hard affinity map is empty";

    public static SpecResult<IReadOnlySet<int>> Parse(string text, HostCpuTopology host)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(host);
        text = DiskSpecParser.CString(text);
        var cpus = new SortedSet<int>();

        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = item;
            bool remove = rest.StartsWith('^');
            if (remove) rest = rest[1..];
            bool nodes = false;
            if (rest.StartsWith("node:", StringComparison.Ordinal)) { rest = rest[5..]; nodes = true; }
            else if (rest.StartsWith("nodes:", StringComparison.Ordinal)) { rest = rest[6..]; nodes = true; }

            if (rest == "all")
            {
                if (remove) return SpecResult<IReadOnlySet<int>>.Failure("Can't combine \"^\" and \"all\".");
                for (int c = 0; c < host.CpuCount; c++) cpus.Add(c);
                continue;
            }

            if (!TryParseRange(rest, out ulong first, out ulong last))
                return SpecResult<IReadOnlySet<int>>.Failure($"Invalid pcpu range: {rest}.");

            foreach (var cpu in Expand(first, last, nodes, host))
            {
                if (remove) cpus.Remove(cpu);
                else cpus.Add(cpu);
            }
        }
        return SpecResult<IReadOnlySet<int>>.Success(cpus);
    }

    /// <summary>xl's parse_range: "A" or "A-B" in decimal, nothing after.</summary>
    internal static bool TryParseRange(string s, out ulong first, out ulong last)
    {
        first = last = CNumber.StrToUL(s, 0, 10, out int end, out _);
        if (end == 0 || first == ulong.MaxValue) return false;
        if (end < s.Length && s[end] == '-')
        {
            int start = end + 1;
            last = CNumber.StrToUL(s, start, 10, out end, out _);
            if (end == start || last == ulong.MaxValue || last < first) return false;
        }
        return end == s.Length;
    }

    // Ids past the host's CPUs or nodes select nothing (Xen ignores bits beyond its maps),
    // which also keeps huge ranges cheap.
    private static IEnumerable<int> Expand(ulong first, ulong last, bool nodes, HostCpuTopology host)
    {
        ulong limit = (ulong)(nodes ? host.NodeCpus.Count : host.CpuCount);
        if (first >= limit) yield break;
        ulong stop = Math.Min(last, limit - 1);
        for (ulong id = first; id <= stop; id++)
        {
            if (!nodes) { yield return (int)id; continue; }
            foreach (var cpu in host.NodeCpus[(int)id])
                if (cpu >= 0 && cpu < host.CpuCount) yield return cpu;
        }
    }
}
