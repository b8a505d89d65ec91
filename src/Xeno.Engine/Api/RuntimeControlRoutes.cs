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
        app.MapGet("/v1/statistics", (CancellationToken c) => ApiServer.Guard(async () =>
            TypedResults.Json(await StatisticsAnswer.ReadAsync(engine, started, c), Json.StatisticsResponse)));
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
