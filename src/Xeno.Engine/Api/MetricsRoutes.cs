using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Metrics;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>GET /v1/metrics: the statistics in Prometheus' text format (docs/api.md, "Metrics").</summary>
internal static class MetricsRoutes
{
    public static void Map(WebApplication app, DomainEngine engine, DateTimeOffset started)
    {
        app.MapGet("/v1/metrics", (CancellationToken c) => ApiServer.Guard(async () =>
        {
            var m = new MetricsText();
            StatisticsMetrics.Write(m, [new HostStatisticsSample(null, await StatisticsAnswer.ReadAsync(engine, started, c))]);
            return Results.Text(m.ToString(), MetricsText.ContentType);
        }));
    }
}
