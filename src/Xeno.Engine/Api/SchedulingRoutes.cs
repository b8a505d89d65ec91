using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;
using Xeno.Host.Cgroups;

namespace Xeno.Engine.Api;

/// <summary>xl sched-credit / sched-credit2: a domain's weight and cap, Pool-0's parameters (docs/api.md).</summary>
internal static class SchedulingRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    public static void Map(WebApplication app, DomainEngine engine)
    {
        app.MapGet("/v1/host/scheduler", () => TypedResults.Json(Info(engine), Json.SchedulerInfo));
        app.MapPost("/v1/host/scheduler", (HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.SetSchedulerRequest, c);
            engine.Scheduler.Set(body.TsliceMs, body.RatelimitUs, body.MigrationDelayUs);
            return TypedResults.Json(Info(engine), Json.SchedulerInfo);
        }));
        app.MapGet(ApiRoutes.Domain + "/sched", (string dom, CancellationToken c) => ApiServer.Guard(async () =>
            TypedResults.Json(Params(await engine.GetSchedAsync(dom, c)), Json.DomainSchedParams)));
        app.MapPost(ApiRoutes.Domain + "/sched", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.SetDomainSchedRequest, c);
            await engine.SetSchedAsync(dom, body.Weight, body.Cap, CancellationToken.None);
            return TypedResults.Json(Params(await engine.GetSchedAsync(dom, c)), Json.DomainSchedParams);
        }));
    }

    private static DomainSchedParams Params(Resources.SchedParams p) => new() { Weight = p.Weight, Cap = p.Cap };

    private static SchedulerInfo Info(DomainEngine engine)
    {
        var s = engine.Scheduler;
        var plan = engine.Cgroups.Plan;
        return new SchedulerInfo
        {
            Scheduler = s.Name, Pool = Resources.HostScheduler.PoolName, TsliceMs = s.TsliceMs, RatelimitUs = s.RatelimitUs,
            MigrationDelayUs = s.MigrationDelayUs,
            Enforcement = plan.Version switch { CgroupVersion.V1 => "cgroup-v1", CgroupVersion.V2 => "cgroup-v2", _ => "none" },
            CgroupDir = plan.InstanceDir,
        };
    }
}
