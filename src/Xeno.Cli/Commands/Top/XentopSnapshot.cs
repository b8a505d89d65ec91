using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Top;

/// <summary>One xentop row: a guest from xenod's statistics, or Domain-0 made from the host's figures.</summary>
public sealed record XentopDomain(
    int Domid,
    string Name,
    string State,
    long CpuNs,
    long MemoryKb,
    long? MaxMemoryKb,
    int Vcpus,
    IReadOnlyList<VcpuStatistics> VcpuTimes,
    IReadOnlyList<NetworkStatistics> Networks,
    IReadOnlyList<BlockStatistics> Blocks);

/// <summary>One sample: every row at one moment, with the host's memory (MEM(%) is of it).</summary>
public sealed record XentopSnapshot(double Time, long TotalMemoryKb, long FreeMemoryKb, int Cpus, long CpuMhz, IReadOnlyList<XentopDomain> Domains)
{
    /// <summary>
    /// The sample as xentop sees the node: the guests, and Domain-0 as the host (every CPU,
    /// its memory, "no limit" for a maximum: dom0 has none here).
    /// </summary>
    public static XentopSnapshot From(StatisticsResponse s)
    {
        var rows = new List<XentopDomain>
        {
            new(0, "Domain-0", "-----r", s.Host.Dom0CpuNs, s.Host.Dom0MemoryKb, null, s.Host.Cpus, [], [], []),
        };
        rows.AddRange(s.Domains.Select(d => new XentopDomain(
            d.Domid, d.Name, d.State, d.CpuNs, d.MemoryKb, d.MaxMemoryKb, d.Vcpus, d.VcpuTimes, d.Networks, d.Blocks)));
        return new XentopSnapshot(s.Time, s.Host.TotalMemoryKb, s.Host.FreeMemoryKb, s.Host.Cpus, s.Host.CpuMhz, rows);
    }
}
