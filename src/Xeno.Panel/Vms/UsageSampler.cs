using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Vms;

/// <summary>
/// Polls each host's xenod statistics every <see cref="PanelOptions.UsageSampleSeconds"/> into
/// usage_samples and prunes readings older than the graph's hour (plus one reading), so the
/// table stays bounded: about 360 rows per VM at the default 10 s.
/// </summary>
public sealed class UsageSampler(UsageSamples samples, VmRecords vms, XenodClients xenod, Hosts hosts, PanelOptions options,
    TimeProvider clock, ILogger<UsageSampler> log) : BackgroundService
{
    public const long KeptSeconds = 3600;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.UsageSampleSeconds), clock);
        string? lastError = null;
        do
        {
            try
            {
                await SampleOnceAsync(stop);
                lastError = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A xenod outage or a busy database costs readings, never the panel (an escaping
                // exception would stop the host). Said once per kind of failure, not every few seconds.
                if (e.Message != lastError)
                    log.LogWarning("usage sampler: {Error}", e.Message);
                lastError = e.Message;
            }
        }
        while (await timer.WaitForNextTickAsync(stop));
    }

    /// <summary>One reading of every host; answers how many VM readings were stored.</summary>
    public async Task<int> SampleOnceAsync(CancellationToken cancel)
    {
        // Every VM, as an admin sees them.
        var all = vms.VisibleTo(new PanelUser(0, "", "", Role.Admin));
        int stored = 0;
        foreach (var group in all.GroupBy(v => v.HostId))
        {
            if (hosts.Get(group.Key) is null)
                continue;
            var stats = await xenod.For(group.Key).GetStatisticsAsync(cancel);
            foreach (var (vmId, sample) in UsageSampling.From(stats, group.ToDictionary(v => v.Name, v => v.Id, StringComparer.Ordinal)))
            {
                samples.Add(vmId, sample);
                stored++;
            }
        }
        samples.Prune(clock.GetUtcNow().ToUnixTimeSeconds() - KeptSeconds - options.UsageSampleSeconds);
        return stored;
    }
}
