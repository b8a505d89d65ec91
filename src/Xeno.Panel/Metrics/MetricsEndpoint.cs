using Xeno.Api.Client;
using Xeno.Api.Metrics;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Metrics;

/// <summary>
/// GET /metrics (docs/panel.md, "Metrics"): the panel's own figures, then each host's xenod
/// figures read through the typed client's statistics, labelled host="name". A xenod that
/// does not answer is <c>xeno_xenod_up{host} 0</c> and its series are absent; the scrape
/// itself still succeeds.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>How long one xenod may take (its own per-QEMU deadline is 750 ms).</summary>
    private static readonly TimeSpan XenodDeadline = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapPanelMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext http, PanelOptions options, PanelMetrics metrics, Hosts hosts, XenodClients clients,
        VmRecords vms, Users users, AuditLog audit)
    {
        var (verdict, who) = MetricsAccess.Check(http, options);
        if (verdict != MetricsVerdict.Allowed)
        {
            audit.Write(verdict == MetricsVerdict.Forbidden ? who : null, "metrics", Path, CurrentUser.Remote(http), "refused", who);
            http.Response.StatusCode = verdict == MetricsVerdict.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
            if (verdict == MetricsVerdict.Unauthenticated)
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"xeno-panel metrics\"";
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(verdict == MetricsVerdict.Forbidden
                ? "Only admins may read the metrics.\n"
                : "Sign in as an admin or send Authorization: Bearer <Panel:MetricsToken>.\n", http.RequestAborted);
            return;
        }

        var m = new MetricsText();
        metrics.Write(m);
        var all = users.All();
        m.Family("xeno_panel_users", MetricType.Gauge, "Panel accounts by role.");
        m.Sample(all.Count(u => u.IsAdmin), ("role", "admin"));
        m.Sample(all.Count(u => !u.IsAdmin), ("role", "owner"));
        m.Family("xeno_panel_vms", MetricType.Gauge, "VMs the panel records.");
        m.Sample(vms.Count());

        var samples = new List<HostStatisticsSample>();
        var up = new List<(string Host, bool Up)>();
        foreach (var host in hosts.All())
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            deadline.CancelAfter(XenodDeadline);
            try
            {
                samples.Add(new HostStatisticsSample(host.Name, await clients.For(host.Id).GetStatisticsAsync(deadline.Token)));
                up.Add((host.Name, true));
            }
            catch (Exception e) when (e is XenodException || (e is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
            {
                up.Add((host.Name, false));
            }
        }
        m.Family("xeno_xenod_up", MetricType.Gauge, "1 when the host's xenod answered this scrape.");
        foreach (var (host, isUp) in up)
            m.Sample(isUp ? 1 : 0, ("host", host));
        StatisticsMetrics.Write(m, samples);

        http.Response.ContentType = MetricsText.ContentType;
        await http.Response.WriteAsync(m.ToString(), http.RequestAborted);
    }
}
