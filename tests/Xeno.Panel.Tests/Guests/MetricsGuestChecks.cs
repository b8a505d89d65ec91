using System.Diagnostics;
using System.Globalization;
using Xeno.Api.Client;
using Xeno.Engine.Tests.Support;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Guests;

/// <summary>
/// The metrics of a running guest, checked on the guest <see cref="PanelGuestTests"/> already
/// booted (no boot of their own): xenod's GET /v1/metrics and the panel's /metrics carry the
/// domain's series, and its CPU counter grows.
/// </summary>
internal static class MetricsGuestChecks
{
    public static async Task DomainSeriesAppearAndCpuGrowsAsync(PanelServer panel, XenodClient xenod, string name, int domid, int memoryMib)
    {
        var cancel = TestContext.Current.CancellationToken;
        var id = domid.ToString(CultureInfo.InvariantCulture);
        bool Mine(PrometheusSample s) => s["domain"] == name && s["domid"] == id;

        var scrape = PrometheusTextParser.Parse(await xenod.GetMetricsTextAsync(cancel));
        double first = scrape.Named("xeno_domain_cpu_seconds_total").Single(Mine).Value;
        Assert.Equal(memoryMib * 1024.0 * 1024, scrape.Named("xeno_domain_memory_bytes").Single(Mine).Value);
        Assert.Equal(1.0, scrape.Named("xeno_domain_vcpus").Single(Mine).Value);
        Assert.Single(scrape.Named("xeno_domain_vcpu_cpu_seconds_total"), s => Mine(s) && s["vcpu"] == "0");
        // Disk counters are there unless QEMU missed the statistics deadline (then responding is 0).
        if (scrape.Named("xeno_domain_responding").Single(Mine).Value == 1)
            Assert.Contains(scrape.Named("xeno_domain_disk_read_ops_total"), s => Mine(s) && s["device"] == "xvda");
        Assert.Contains(scrape.Named("xeno_host_domains"), s => s["state"] is "running" or "blocked" && s.Value >= 1);

        // A booted guest keeps using CPU (timer ticks at least): wait for the counter to move.
        var sw = Stopwatch.StartNew();
        double later;
        while ((later = PrometheusTextParser.Parse(await xenod.GetMetricsTextAsync(cancel)).Named("xeno_domain_cpu_seconds_total").Single(Mine).Value) <= first)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(2), $"the CPU counter of {name} stayed at {first} s for 2 minutes");
            await Task.Delay(500, cancel);
        }

        // The panel's /metrics, read by an admin: the same series with host="local".
        panel.AddUser("metrics-admin", Role.Admin);
        using var admin = await panel.LoggedInAsync("metrics-admin");
        var proxied = PrometheusTextParser.Parse(await admin.TextAsync("/metrics"));
        Assert.Equal(1.0, proxied.Named("xeno_xenod_up").Single(s => s["host"] == "local").Value);
        var cpu = proxied.Named("xeno_domain_cpu_seconds_total").Single(s => Mine(s) && s["host"] == "local");
        Assert.True(cpu.Value >= later, $"the panel's CPU figure {cpu.Value} is below xenod's earlier {later}");
    }
}
