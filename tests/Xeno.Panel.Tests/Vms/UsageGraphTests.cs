using Xeno.Api.Contracts;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

public sealed class UsageGraphTests
{
    [Fact]
    public void RatesComeFromConsecutiveReadingsAndARestartStartsOver()
    {
        UsageSample[] s =
        [
            new(1000, 0, 0, 0),
            new(1010, 5_000_000_000, 20480, 10240),   // 50% CPU, 1 MiB/10 s disk = 1024 KiB/s... /10
            new(1020, 1_000_000_000, 0, 0),           // restarted: counters went down
            new(1030, 3_000_000_000, 2048, 2048),
        ];
        var r = UsageGraph.Rates(s);
        Assert.Equal(2, r.Count);
        Assert.Equal(new UsagePoint(1010, 50, 20480 * 512 / 1024.0 / 10, 1), r[0]);
        Assert.Equal(1030, r[1].Time);
        Assert.Equal(20, r[1].CpuPercent, 6);
    }

    [Fact]
    public void TheSvgHasThreeChartsAndOnlyTheLastHour()
    {
        var none = UsageGraph.Svg([], 5000);
        Assert.Equal(3, CountOf(none, "<svg "));
        Assert.Equal(3, CountOf(none, "no readings yet"));
        UsageSample[] s = [new(100, 0, 0, 0), new(110, 1, 1, 1), new(4990, 0, 0, 0), new(5000, 10_000_000_000, 0, 0)];
        var svg = UsageGraph.Svg(s, 5000);
        Assert.Equal(3, CountOf(svg, "<polyline"));
        // Only the reading inside the hour: one point at the right edge.
        Assert.Contains("points=\"600,", svg);
        Assert.Contains("CPU: peak 100 % of one CPU", svg);
        Assert.DoesNotContain("NaN", svg);
    }

    [Fact]
    public void StatisticsBecomeOneReadingPerPanelVm()
    {
        var stats = new StatisticsResponse
        {
            Time = 1234.9,
            Host = new HostStatistics { TotalMemoryKb = 1, FreeMemoryKb = 1, Cpus = 1, CpuMhz = 1, Dom0CpuNs = 1, Dom0MemoryKb = 1 },
            Domains =
            [
                Domain("web", 7, [new BlockStatistics { Device = "xvda", Devid = 51712, Error = false, ReadSectors = 10, WriteSectors = 5 },
                                  new BlockStatistics { Device = "xvdb", Devid = 51728, Error = true, ReadSectors = 99 }],
                    [new NetworkStatistics { Interface = "vif1.0", RxBytes = 100, TxBytes = 50, RxPackets = 0, RxErrors = 0, RxDrops = 0, TxPackets = 0, TxErrors = 0, TxDrops = 0 }]),
                Domain("not-ours", 9, [], []),
            ],
        };
        var r = UsageSampling.From(stats, new Dictionary<string, long> { ["web"] = 3 });
        Assert.Equal((3L, new UsageSample(1234, 7, 15, 150)), Assert.Single(r));
    }

    private static DomainStatistics Domain(string name, long cpu, IReadOnlyList<BlockStatistics> blocks, IReadOnlyList<NetworkStatistics> nets) => new()
    {
        Domid = 1, Name = name, State = "-b----", CpuNs = cpu, MemoryKb = 1, MaxMemoryKb = 1, Vcpus = 1, VcpuTimes = [],
        Networks = nets, Blocks = blocks, Responding = true,
    };

    private static int CountOf(string s, string what) => (s.Length - s.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
