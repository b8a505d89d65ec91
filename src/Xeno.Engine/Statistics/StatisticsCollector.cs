using System.Text.Json;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Statistics;

/// <summary>
/// xentop's figures for every guest. Never takes a domain's gate: CPU and vCPU times come from
/// /proc (the snapshot), memory from the domain's state, block counters from QMP
/// query-blockstats asked of all QEMUs at once, each under <see cref="Deadline"/>. A QEMU that
/// misses it (or is already known not to respond) is reported without block figures, so one
/// hung guest never stalls xentop.
/// </summary>
internal sealed class StatisticsCollector(EngineContext context, DomainRegistry registry)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(750);

    private readonly TapCounters _taps = new();

    public async Task<IReadOnlyList<DomainStatistics>> CollectAsync(CancellationToken cancel)
    {
        var supervisors = registry.All();
        var rows = await Task.WhenAll(supervisors.Select(s => OneAsync(s.Domain, cancel)));
        return rows;
    }

    private async Task<DomainStatistics> OneAsync(Domain d, CancellationToken cancel)
    {
        var snap = DomainSnapshots.Of(d, context.Proc);
        var disks = snap.Spec.Disks;
        IReadOnlyList<BlockStatistics> blocks;
        bool responding = d.Responding;
        if (d.Qemu is { } q && responding && d.Phase == DomainPhase.Running)
        {
            try
            {
                var reply = await q.Qmp.ExecuteAsync("query-blockstats", null, Deadline, cancel);
                blocks = BlockStatsReply.Read(reply, disks);
            }
            catch (Exception e) when (e is QmpException or ObjectDisposedException)
            {
                // Not marked not-responding here: a slow answer to a statistics poll is no
                // verdict on the guest (QmpCall's deadlines decide that).
                responding = false;
                blocks = [.. disks.Select(BlockStatsReply.Unavailable)];
            }
        }
        else
        {
            blocks = [.. disks.Select(BlockStatsReply.Unavailable)];
        }
        // The taps the domain's vifs made (hot-plugged ones included); a tap gone is left out.
        var networks = d.Network.Taps.Select(_taps.Read).OfType<NetworkStatistics>().ToList();
        return new DomainStatistics
        {
            Domid = snap.Domid,
            Name = snap.Name,
            State = XentopState.Of(snap),
            CpuNs = (long)(snap.CpuTime.Ticks * 100),
            MemoryKb = snap.TargetKb,
            MaxMemoryKb = snap.MaxMemKb,
            Vcpus = snap.Vcpus.Count,
            VcpuTimes = [.. snap.Vcpus.Select(v => new VcpuStatistics { Vcpu = v.Index, CpuNs = v.CpuTime.Ticks * 100 })],
            Networks = networks,
            Blocks = blocks,
            Responding = responding,
        };
    }
}
