using System.Text;
using Xeno.Api.Contracts;
using Xeno.Api.Metrics;
using Xeno.Config.Tests.Names;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>The Prometheus text writer and the statistics families, read back with the tests' own strict parser.</summary>
public sealed class MetricsTextTests
{
    private static DomainStatistics Domain(int domid, string name, string state = "--b---", long cpuNs = 1_500_000_000) => new()
    {
        Domid = domid, Name = name, State = state, CpuNs = cpuNs, MemoryKb = 131072, MaxMemoryKb = 262144, Vcpus = 2,
        VcpuTimes = [new() { Vcpu = 0, CpuNs = 1_000_000_000 }, new() { Vcpu = 1, CpuNs = 500_000_000 }],
        Networks = [new() { Interface = "vif" + domid + ".0", RxBytes = 1000, RxPackets = 10, RxErrors = 0, RxDrops = 1, TxBytes = 2000, TxPackets = 20, TxErrors = 0, TxDrops = 0 }],
        Blocks = [new() { Device = "xvda", Devid = 51712, Error = false, ReadRequests = 5, WriteRequests = 6, ReadSectors = 8, WriteSectors = 16 },
                  new() { Device = "xvdb", Devid = 51728, Error = true }],
        Responding = true,
    };

    private static StatisticsResponse Stats(params DomainStatistics[] domains) => new()
    {
        Time = 1, Host = new() { TotalMemoryKb = 4096, FreeMemoryKb = 1024, Cpus = 2, CpuMhz = 2400, Dom0CpuNs = 3_000_000_000, Dom0MemoryKb = 2048 },
        Domains = domains,
    };

    private static PrometheusTextParser.Scrape Write(string? host, params DomainStatistics[] domains)
    {
        var m = new MetricsText();
        StatisticsMetrics.Write(m, [new HostStatisticsSample(host, Stats(domains))]);
        return PrometheusTextParser.Parse(m.ToString());
    }

    [Fact]
    public void EveryFigureIsAFamilyWithPrometheusNamesAndUnits()
    {
        var s = Write(null, Domain(3, "web"), Domain(4, "db", "----p-"));
        var cpu = s.Named("xeno_domain_cpu_seconds_total").Single(x => x["domain"] == "web");
        Assert.Equal(("3", 1.5), (cpu["domid"], cpu.Value));
        Assert.Equal("counter", s.Types["xeno_domain_cpu_seconds_total"]);
        Assert.Equal(128 * 1024 * 1024.0, s.Named("xeno_domain_memory_bytes").Single(x => x["domain"] == "web").Value);
        Assert.Equal(8 * 512.0, s.Named("xeno_domain_disk_read_bytes_total").Single(x => x["domain"] == "web").Value);
        Assert.Equal(6.0, s.Named("xeno_domain_disk_write_ops_total").Single(x => x["domain"] == "db").Value);
        // A disk whose counters could not be read is absent, not 0 (that would look like a reset).
        Assert.DoesNotContain(s.Named("xeno_domain_disk_read_ops_total"), x => x["device"] == "xvdb");
        var rx = s.Named("xeno_domain_network_receive_bytes_total").Single(x => x["domain"] == "web");
        Assert.Equal(("vif3.0", 1000.0), (rx["interface"], rx.Value));
        Assert.Equal(20.0, s.Named("xeno_domain_network_transmit_packets_total").Single(x => x["domain"] == "web").Value);
        Assert.Equal(0.5, s.Named("xeno_domain_vcpu_cpu_seconds_total").Single(x => x["domain"] == "web" && x["vcpu"] == "1").Value);
        Assert.Equal(2.0, s.Named("xeno_host_cpus").Single().Value);
        Assert.Equal(4096 * 1024.0, s.Named("xeno_host_memory_total_bytes").Single().Value);
        Assert.Equal(3.0, s.Named("xeno_host_dom0_cpu_seconds_total").Single().Value);
        var states = s.Named("xeno_host_domains").ToDictionary(x => x["state"]!, x => x.Value);
        Assert.Equal(StatisticsMetrics.States, states.Keys);
        Assert.Equal((1.0, 1.0, 0.0), (states["blocked"], states["paused"], states["running"]));
        Assert.All(s.Samples, x => Assert.Null(x["host"]));
        Assert.All(s.Types.Where(t => t.Value == "counter"), t => Assert.EndsWith("_total", t.Key));
    }

    [Theory]
    [InlineData("d-----", "dying")]
    [InlineData("-s-c--", "crashed")]
    [InlineData("-s----", "shutdown")]
    [InlineData("----pr", "paused")]
    [InlineData("-----r", "running")]
    [InlineData("--b---", "blocked")]
    [InlineData("------", "none")]
    public void AStateIsTheFirstFlagThatApplies(string letters, string state) => Assert.Equal(state, StatisticsMetrics.StateOf(letters));

    [Fact]
    public void AHostLabelGoesOnEverySeriesWhenGiven()
    {
        var s = Write("local", Domain(1, "a"));
        Assert.All(s.Samples, x => Assert.Equal("local", x["host"]));
    }

    [Fact]
    public void HostileDomainNamesStayOneLabelValueEach()
    {
        // Quotes, backslashes, line feeds, braces, '#', lone surrogates (sent as U+FFFD in UTF-8).
        var names = new HostileNames(20261206);
        for (int round = 0; round < 200; round++)
        {
            var domains = Enumerable.Range(1, 1 + round % 4).Select(i => Domain(i, names.Next() + (round % 3 == 0 ? "\"}\\n\n# x" : ""))).ToArray();
            var m = new MetricsText();
            StatisticsMetrics.Write(m, [new HostStatisticsSample(names.Next(), Stats(domains))]);
            // What a scraper receives: the UTF-8 bytes.
            var text = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(m.ToString()));
            var scrape = PrometheusTextParser.Parse(text);
            foreach (var d in domains)
            {
                var expected = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(d.Name));
                var cpu = scrape.Named("xeno_domain_cpu_seconds_total").Single(x => x["domid"] == d.Domid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(expected, cpu["domain"]);
            }
            Assert.Equal(domains.Length, scrape.Named("xeno_domain_memory_bytes").Count());
        }
    }

    [Fact]
    public void RandomLabelValuesAndHelpTextsRoundTrip()
    {
        var random = new Random(7);
        const string alphabet = "ab\\\"\n{}=, #\t\r€漢";
        for (int round = 0; round < 500; round++)
        {
            string Random() => string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var values = Enumerable.Range(0, 3).Select(_ => Random()).ToArray();
            var help = Random();
            var m = new MetricsText().Family("x_total", MetricType.Counter, help);
            for (int i = 0; i < values.Length; i++)
                m.Sample(i, ("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("v", values[i]));
            var scrape = PrometheusTextParser.Parse(m.ToString());
            Assert.Equal(values, scrape.Samples.Select(x => x["v"]));
            Assert.Equal(help, scrape.Help["x_total"]);
        }
    }

    [Fact]
    public void HistogramsHaveCumulativeBucketsSumAndCount()
    {
        var m = new MetricsText().Family("req_seconds", MetricType.Histogram, "h");
        m.Histogram([0.1, 1], [2, 3], 1.25, 4, ("route", "/"));
        var s = PrometheusTextParser.Parse(m.ToString());
        Assert.Equal([2.0, 3.0, 4.0], s.Named("req_seconds_bucket").Select(x => x.Value));
        Assert.Equal(["0.1", "1", "+Inf"], s.Named("req_seconds_bucket").Select(x => x["le"]));
        Assert.Equal(1.25, s.Named("req_seconds_sum").Single().Value);
        Assert.Equal(4.0, s.Named("req_seconds_count").Single().Value);
    }

    [Fact]
    public void MisuseIsRefused()
    {
        var m = new MetricsText().Family("a_total", MetricType.Counter, "a");
        Assert.Throws<InvalidOperationException>(() => m.Family("a_total", MetricType.Counter, "again"));
        Assert.Throws<ArgumentException>(() => m.Family("9bad", MetricType.Gauge, "x"));
        Assert.Throws<ArgumentException>(() => m.Sample(1, ("bad-label", "x")));
        Assert.Throws<InvalidOperationException>(() => m.Histogram([1], [1], 1, 1));
        Assert.Equal(["NaN", "+Inf", "-Inf", "0.1", "1E+20"], new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.1, 1e20 }.Select(MetricsText.Format));
    }

    [Fact]
    public void TheParserRefusesWhatAScraperWould()
    {
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a{x=\"1\n\"} 1\n"));
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a{x=\"\\q\"} 1\n"));
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a 1\nb 1\na 2\n"));
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a 1\na 1\n"));
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("# TYPE a counter\na 1\n"));
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a one\n"));
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a 1"));
        Assert.Single(PrometheusTextParser.Parse("# HELP a_total x\n# TYPE a_total counter\na_total{b=\"\\\\\\\"\\n\"} 1.5e3\n").Samples);
    }
}
