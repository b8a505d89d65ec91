using System.Net;
using System.Net.Http.Headers;
using Xeno.Engine.Tests.Support;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Metrics;

/// <summary>/metrics: who may read it, and the panel's own figures (no xenod answers here).</summary>
public sealed class PanelMetricsTests
{
    private const string Token = "scraper-token-0123456789";

    private static async Task<HttpResponseMessage> ScrapeAsync(PanelServer panel, string? bearer)
    {
        using var http = new HttpClient(panel.Server.CreateHandler()) { BaseAddress = new Uri("http://localhost/") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task OnlyAdminsAndTheConfiguredTokenReadTheMetrics()
    {
        await using var panel = await PanelServer.StartAsync(o => o with { MetricsToken = Token });
        panel.AddUser("ann");
        panel.AddUser("root", Role.Admin);

        using (var anonymous = await ScrapeAsync(panel, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(panel, "wrong-token-0123456789")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(panel, Token + "x")).StatusCode);
        using var ann = await panel.LoggedInAsync("ann");
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.GetAsync("/metrics")).StatusCode);

        using (var scraper = await ScrapeAsync(panel, Token))
        {
            Assert.Equal(HttpStatusCode.OK, scraper.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", scraper.Content.Headers.ContentType!.ToString());
            PrometheusTextParser.Parse(await scraper.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        using var root = await panel.LoggedInAsync("root");
        Assert.Equal(HttpStatusCode.OK, (await root.GetAsync("/metrics")).StatusCode);

        var refused = panel.Audit.Read(action: "metrics");
        Assert.Equal(4, refused.Count);
        Assert.All(refused, e => Assert.Equal("refused", e.Result));
        Assert.Contains(refused, e => e.User == "ann" && e.Detail == "ann");
    }

    [Fact]
    public void AWeakTokenStopsThePanelAtStart()
    {
        foreach (var weak in new[] { "short", "sixteen chars ok", "" })
            Assert.Contains("Panel:MetricsToken must be at least 16 characters without blanks", PanelOptionsCheck.Problems(new PanelOptions { MetricsToken = weak }));
        Assert.Empty(PanelOptionsCheck.Problems(new PanelOptions { MetricsToken = Token }));
    }

    [Fact]
    public async Task WithoutATokenConfiguredEveryBearerIsRefused()
    {
        await using var panel = await PanelServer.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(panel, "")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(panel, Token)).StatusCode);
    }

    [Fact]
    public async Task RequestsLoginsAndAnAbsentXenodAreCounted()
    {
        await using var panel = await PanelServer.StartAsync(o => o with { MetricsToken = Token });
        panel.AddUser("ann");
        using var ann = await panel.LoggedInAsync("ann");
        using var stranger = panel.Browser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.LoginAsync("ann", "wrong password!")).StatusCode);
        await ann.GetAsync("/");
        await ann.GetAsync("/");
        await ann.GetAsync("/no/such/page?x=1");

        using var response = await ScrapeAsync(panel, Token);
        var s = PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        double Requests(string route, string method, string code) =>
            s.Named("xeno_panel_requests_total").SingleOrDefault(x => x["route"] == route && x["method"] == method && x["code"] == code)?.Value ?? 0;
        Assert.Equal(2.0, Requests("/", "GET", "200"));
        Assert.Equal(1.0, Requests("/Account/Login", "POST", "302"));
        Assert.Equal(1.0, Requests("/Account/Login", "POST", "401"));
        // A path no route matches is one series, whatever the path was.
        Assert.Equal(1.0, Requests("unmatched", "GET", "404"));
        Assert.DoesNotContain(s.Samples, x => x["route"]?.Contains("no/such", StringComparison.Ordinal) == true);
        var count = s.Named("xeno_panel_request_duration_seconds_count").Single(x => x["route"] == "/" && x["method"] == "GET");
        Assert.Equal(2.0, count.Value);
        var buckets = s.Named("xeno_panel_request_duration_seconds_bucket").Where(x => x["route"] == "/" && x["method"] == "GET").Select(x => x.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(2.0, buckets[^1]);

        var logins = s.Named("xeno_panel_logins_total").ToDictionary(x => x["result"]!, x => x.Value);
        Assert.Equal((1.0, 1.0, 0.0), (logins["ok"], logins["failed"], logins["refused"]));
        Assert.Equal(1.0, s.Named("xeno_panel_users").Single(x => x["role"] == "owner").Value);
        Assert.Equal(0.0, s.Named("xeno_xenod_up").Single(x => x["host"] == "local").Value);
        Assert.Empty(s.Named("xeno_host_cpus"));
    }
}
