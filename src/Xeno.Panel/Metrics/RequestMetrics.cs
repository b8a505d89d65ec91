using System.Diagnostics;
using Microsoft.AspNetCore.Routing;

namespace Xeno.Panel.Metrics;

/// <summary>
/// Times every request for <see cref="PanelMetrics"/>. The outer half wraps the whole pipeline
/// (error pages re-executed inside it count once, with the final status); the inner half,
/// after routing, notes the route pattern the request matched first ("unmatched" when none),
/// so the label is the route's template and never the path a client typed.
/// </summary>
public static class RequestMetrics
{
    private const string Key = "xeno:metrics-route";

    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        long start = Stopwatch.GetTimestamp();
        int? failed = null;
        try
        {
            await next(http);
        }
        catch
        {
            failed = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            // Null when the request failed before routing.
            var route = http.Items[Key] as string ?? "unmatched";
            http.RequestServices.GetRequiredService<PanelMetrics>()
                .ObserveRequest(route, http.Request.Method, failed ?? http.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    });

    /// <summary>Goes right after UseRouting.</summary>
    public static IApplicationBuilder UseRequestRouteCapture(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        // The first pass decides: an error page re-executed for this request does not relabel it.
        if (!http.Items.ContainsKey(Key))
            http.Items[Key] = http.GetEndpoint() is RouteEndpoint e ? "/" + (e.RoutePattern.RawText ?? "").TrimStart('/') : "unmatched";
        return next(http);
    });
}
