using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>The answer of GET /v1/statistics, also what GET /v1/metrics writes as Prometheus text.</summary>
internal static class StatisticsAnswer
{
    // Never waits on a domain's gate: a hung QEMU costs at most the statistics deadline.
    public static async Task<StatisticsResponse> ReadAsync(DomainEngine engine, DateTimeOffset started, CancellationToken cancel)
    {
        var domains = await engine.StatisticsAsync(cancel);
        var host = HostFacts.Read(Qemu.Acceleration.AcceleratorSelector.Name(engine.Accelerator.Accelerator), started, engine.MemoryUse());
        return new StatisticsResponse
        {
            Time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
            Host = new HostStatistics
            {
                TotalMemoryKb = host.TotalMemoryMib * 1024,
                FreeMemoryKb = host.FreeMemoryMib * 1024,
                Cpus = host.NrCpus,
                CpuMhz = host.CpuKhz / 1000,
                Dom0CpuNs = (long)(host.HostCpuSeconds * 1e9),
                Dom0MemoryKb = host.Dom0MemoryMib * 1024,
            },
            Domains = domains,
        };
    }
}
