using Xeno.Api.Contracts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>Turns one answer of xenod's /v1/statistics into a reading per panel VM (by domain name).</summary>
public static class UsageSampling
{
    public static IReadOnlyList<(long VmId, UsageSample Sample)> From(StatisticsResponse stats, IReadOnlyDictionary<string, long> vmIds)
    {
        var list = new List<(long, UsageSample)>();
        long time = (long)Math.Floor(stats.Time);
        foreach (var d in stats.Domains)
        {
            if (!vmIds.TryGetValue(d.Name, out long id))
                continue;
            // A disk whose counters could not be read counts nothing this time (its rate is then skipped as a reset).
            long sectors = d.Blocks.Where(b => !b.Error).Sum(b => b.ReadSectors + b.WriteSectors);
            long bytes = d.Networks.Sum(n => n.RxBytes + n.TxBytes);
            list.Add((id, new UsageSample(time, d.CpuNs, sectors, bytes)));
        }
        return list;
    }
}
