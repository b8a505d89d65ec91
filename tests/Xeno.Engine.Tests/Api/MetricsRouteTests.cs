using Xeno.Api.Client;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>GET /v1/metrics on a real xenod without guests (the guest series are checked by the panel's guest test).</summary>
public sealed class MetricsRouteTests
{
    [Fact]
    public async Task XenodServesHostFiguresInPrometheusFormat()
    {
        await using var x = await Xenod.StartAsync();
        var socket = Path.Combine(x.Prefix, "run/xeno/xenod.sock");
        using var http = new HttpClient(XenodSocket.CreateHandler(socket)) { BaseAddress = XenodSocket.BaseAddress };
        using var response = await http.GetAsync("/v1/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var scrape = PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(scrape.Named("xeno_host_cpus").Single().Value >= 1);
        Assert.True(scrape.Named("xeno_host_memory_total_bytes").Single().Value > 0);
        Assert.All(scrape.Named("xeno_host_domains"), s => Assert.Equal(0.0, s.Value));
        Assert.Empty(scrape.Named("xeno_domain_cpu_seconds_total"));
        // The typed client reads the same text.
        using var client = new XenodClient(socket);
        Assert.Contains("# TYPE xeno_domain_cpu_seconds_total counter\n", await client.GetMetricsTextAsync(TestContext.Current.CancellationToken));
    }
}
