using System.Globalization;
using Xeno.Config.Specs;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

public sealed class VifRateTests
{
    [Theory]
    [InlineData("1MB/s@20ms", 20000, 20000)]   // the documented example
    [InlineData("10Mb/s", 62500, 50000)]       // bits, default 50 ms
    [InlineData("100KB/s@1s", 100000, 1000000)]
    [InlineData("1GB/s@100us", 100000, 100)]
    [InlineData("5B/s@5", 25, 5000000)]        // bare interval = seconds
    [InlineData("010MB/s", 400000, 50000)]     // leading 0 is octal: 8 MB/s
    [InlineData("1MB/s@5m", 5000, 5000)]       // "m" alone means ms
    public void Rates(string rate, long bytes, long usecs)
    {
        var r = VifSpecParser.ParseRate(rate);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        Assert.Equal(new VifRate(bytes, usecs), r.Value);
        Assert.Equal($"{bytes},{usecs}", r.Value!.ToBackendValue());
    }

    [Theory]
    [InlineData("", "no rate specified in `'")]
    [InlineData("@20ms", "no rate specified in `@20ms'")]
    [InlineData("1MB", "invalid rate in `1MB'")]
    [InlineData("1TB/s", "invalid rate in `1TB/s'")]
    [InlineData("0MB/s", "rate overflow in `0MB/s'")]
    [InlineData("08MB/s", "rate overflow in `08MB/s'")]
    [InlineData("4294967296B/s", "rate overflow in `4294967296B/s'")]
    [InlineData("1MB/s@", "invalid replenishment interval in `'")]
    [InlineData("1MB/s@1h", "invalid replenishment interval in `1h'")]
    [InlineData("1MB/s@0", "replenishment interval overflow in `0'")]
    [InlineData("1MB/s@4295s", "replenishment interval overflow in `4295s'")]
    [InlineData("4294967295GB/s@4294967295us", "rate overflow in `4294967295GB/s@4294967295us'")]
    public void ErrorsAreLibxlutilsLines(string rate, string message) =>
        Assert.Equal("/etc/xen/a.cfg: config parsing error in vif: " + message,
            Assert.Single(VifSpecParser.ParseRate(rate, "/etc/xen/a.cfg").Errors));

    [Fact]
    public void GeneratedRatesMatchLibxlutil()
    {
        var gen = new SpecGenerator(99);
        int count = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out var n) && n > 0 ? n : 1500;
        var rates = new List<string>();
        for (int i = 0; i < count; i++) rates.Add(i % 7 == 6 ? gen.RandomAscii(16) : gen.Rate());
        var oracle = XlSpecOracle.Run("rate", rates);
        var mismatches = new List<string>();
        for (int i = 0; i < rates.Count; i++)
        {
            var r = VifSpecParser.ParseRate(rates[i], "oracle.cfg");
            var o = oracle[i];
            string ours = r.Ok
                ? $"ok {r.Value!.BytesPerInterval.ToString(CultureInfo.InvariantCulture)} {r.Value.IntervalUsecs.ToString(CultureInfo.InvariantCulture)}"
                : "err " + string.Join("\n", string.Join("\n", r.Errors).Split('\n').Select(XlSpecOracle.Escape));
            string theirs = o["rc"] == "0" ? $"ok {o["bytes"]} {o["usecs"]}" : "err " + o.GetValueOrDefault("err", "");
            if (ours != theirs) mismatches.Add($"`{XlSpecOracle.Escape(rates[i])}': libxlutil <{theirs}> ours <{ours}>");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }
}
