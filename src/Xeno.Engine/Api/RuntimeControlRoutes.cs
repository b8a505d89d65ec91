using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>The routes of run-time control (vcpu-set, trigger, sysrq, dump-core) and xentop's statistics.</summary>
internal static class RuntimeControlRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    public static void Map(WebApplication app, DomainEngine engine, DateTimeOffset started)
    {
        // Never waits on a domain's gate: a hung QEMU costs at most the statistics deadline.
        app.MapGet("/v1/statistics", (CancellationToken c) => ApiServer.Guard(async () =>
        {
            var domains = await engine.StatisticsAsync(c);
            var host = HostFacts.Read(Qemu.Acceleration.AcceleratorSelector.Name(engine.Accelerator.Accelerator), started, engine.MemoryUse());
            return TypedResults.Json(new StatisticsResponse
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
            }, Json.StatisticsResponse);
        }));
        app.MapPost(ApiRoutes.Domain + "/vcpus/set", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.VcpuSetRequest, c);
            await engine.SetVcpusAsync(dom, body.Count, CancellationToken.None);
            return ApiServer.Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/trigger", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.TriggerRequest, c);
            await engine.TriggerAsync(dom, body.Trigger, CancellationToken.None);
            return ApiServer.Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/sysrq", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.SysrqRequest, c);
            await engine.SysrqAsync(dom, body.Key, CancellationToken.None);
            return ApiServer.Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/dump-core", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.DumpCoreRequest, c);
            await engine.DumpCoreAsync(dom, body.Path, CancellationToken.None);
            return ApiServer.Ok();
        }));
    }
}
