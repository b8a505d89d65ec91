using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Top;

namespace Xeno.Cli.Tests.Top;

/// <summary>xentop's batch text: header, rows, widths and CPU(%), checked against xentop's printf formats.</summary>
public sealed class XentopTableTests
{
    /// <summary>xentop's header with every column at its default width (as `xentop -b` prints it on a quiet host).</summary>
    public const string Header =
        "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n";

    private static BlockStatistics Disk(long rd, long wr, long rs, long ws, bool error = false) =>
        new() { Device = "xvda", Devid = 51712, Error = error, ReadRequests = rd, WriteRequests = wr, ReadSectors = rs, WriteSectors = ws };

    private static XentopDomain Guest(int id, string name, long cpuNs, params BlockStatistics[] disks) =>
        new(id, name, "--b---", cpuNs, 131072, 262144, 2,
            [new VcpuStatistics { Vcpu = 0, CpuNs = cpuNs / 2 }, new VcpuStatistics { Vcpu = 1, CpuNs = cpuNs / 2 }], [], disks);

    private static XentopDomain Dom0(long cpuNs) => new(0, "Domain-0", "-----r", cpuNs, 1048576, null, 4, [], [], []);

    private static XentopSnapshot Snap(double time, params XentopDomain[] d) => new(time, 4194304, 2097152, 4, 2400, d);

    [Fact]
    public void HeaderAndRowsFollowXentopsFormats()
    {
        var text = XentopTable.Format(Snap(100, Dom0(12_300_000_000), Guest(3, "web", 5_000_000_000, Disk(10, 20, 80, 160))), null, new XentopOptions());
        Assert.Equal(Header +
            "  Domain-0 -----r         12    0.0    1048576   25.0   no limit       n/a     4    0        0        0    0        0        0        0          0          0    0\n" +
            "       web --b---          5    0.0     131072    3.1     262144       6.2     2    0        0        0    1        0       10       20         80        160    0\n",
            text);
    }

    [Fact]
    public void CpuPercentIsTheCpuTimeSinceThePreviousSampleOverTheWallTime()
    {
        var before = Snap(100, Guest(3, "web", 5_000_000_000));
        var after = Snap(102, Guest(3, "web", 6_000_000_000)); // 1 s of CPU in 2 s
        Assert.Equal(50.0, XentopTable.CpuPercent(after.Domains[0], after, before), 6);
        Assert.Contains("  50.0 ", XentopTable.Format(after, before, new XentopOptions()), StringComparison.Ordinal);
        // A domain new since the last sample has no rate yet.
        Assert.Equal(0.0, XentopTable.CpuPercent(after.Domains[0], after, Snap(100)));
    }

    [Fact]
    public void RowsAreSortedByNameIgnoringCaseAndMinusZKeepsDomain0First()
    {
        var snap = Snap(1, Guest(2, "zeta", 0), Dom0(0), Guest(1, "Alpha", 0), Guest(3, "beta", 0));
        static string[] Names(string t) => [.. t.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l[..10].Trim())];
        Assert.Equal(["Alpha", "beta", "Domain-0", "zeta"], Names(XentopTable.Format(snap, null, new XentopOptions())));
        Assert.Equal(["Domain-0", "Alpha", "beta", "zeta"], Names(XentopTable.Format(snap, null, new XentopOptions { Dom0First = true })));
    }

    [Fact]
    public void NamesAreCutToTenUnlessFullNameWidensTheColumn()
    {
        var snap = Snap(1, Guest(1, "a-very-long-guest-name", 0));
        var cut = XentopTable.Format(snap, null, new XentopOptions()).Split('\n')[1];
        Assert.StartsWith("a-very-lon --b---", cut, StringComparison.Ordinal);
        var full = XentopTable.Format(snap, null, new XentopOptions { FullName = true }).Split('\n');
        Assert.StartsWith("                  NAME  STATE", full[0], StringComparison.Ordinal);
        Assert.StartsWith("a-very-long-guest-name --b---", full[1], StringComparison.Ordinal);
    }

    [Fact]
    public void CounterColumnsWidenToTheirLargestValue()
    {
        // 123456789 read requests need 9 digits (xentop: INT_FIELD_WIDTH(n + 1) > 8).
        var text = XentopTable.Format(Snap(1, Guest(1, "io", 0, Disk(123_456_789, 1, 1, 1))), null, new XentopOptions());
        var lines = text.Split('\n');
        Assert.Contains("    VBD_OO    VBD_RD   VBD_WR", lines[0].Replace("VBDS", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(" 123456789 ", lines[1], StringComparison.Ordinal);
        Assert.Equal(lines[0].Length, lines[1].Length);
    }

    [Fact]
    public void DisksWhoseCountersAreUnknownShowDashes()
    {
        var text = XentopTable.Format(Snap(1, Guest(1, "hung", 0, Disk(0, 0, 0, 0, error: true))), null, new XentopOptions());
        Assert.EndsWith("    1        -        -        -          -          -    0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatHeaderVcpuNetworkAndVbdLines()
    {
        var guest = Guest(1, "web", 7_000_000_000, Disk(1, 2, 3, 4)) with
        {
            Networks = [new NetworkStatistics { Interface = "vif1.0", RxBytes = 2048, RxPackets = 2, RxErrors = 0, RxDrops = 0, TxBytes = 1024, TxPackets = 1, TxErrors = 0, TxDrops = 0 }],
        };
        var text = XentopTable.Format(Snap(1, Dom0(0), guest), null,
            new XentopOptions { RepeatHeader = true, Vcpus = true, Networks = true, Vbds = true });
        var lines = text.Split('\n');
        Assert.Equal(Header.TrimEnd('\n'), lines[0]);
        Assert.Equal("VCPUs(sec): ", lines[2]);           // Domain-0 lists no per-vCPU times
        Assert.Equal(Header.TrimEnd('\n'), lines[3]);     // -r: the header before each domain
        Assert.Equal("VCPUs(sec):   0:          3s  1:          3s", lines[5]);
        Assert.Equal("Net0 RX:     2048bytes        2pkts        0err        0drop  TX:     1024bytes        1pkts        0err        0drop", lines[6]);
        Assert.Equal("VBD BlkBack 51712 [ca: 0]  OO:        0   RD:        1   WR:        2   RSECT:          3   WSECT:          4", lines[7]);
        Assert.Contains("    1        1        2    1 ", lines[4], StringComparison.Ordinal); // NETS, NETTX(k), NETRX(k), VBDS
    }

    [Fact]
    public void SummaryCountsStatesInXentopsOrder()
    {
        var snap = Snap(1, Dom0(0), Guest(1, "b", 0), Guest(2, "p", 0) with { State = "----p-" }, Guest(3, "c", 0) with { State = "-s-c--" });
        var text = XentopTable.Summary(snap, "4.17.0", new DateTime(2026, 1, 2, 3, 4, 5));
        Assert.Equal(
            "xentop - 03:04:05   Xen 4.17.0\n" +
            "4 domains: 1 running, 1 blocked, 1 paused, 0 crashed, 0 dying, 1 shutdown \n" +
            "Mem: 4194304k total, 2097152k used, 2097152k free    CPUs: 4 @ 2400MHz\n", text);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 1)]
    [InlineData(10, 2)]
    [InlineData(99_999_999, 8)]
    [InlineData(100_000_000, 9)]
    public void DigitsIsXentopsIntFieldWidth(long n, int digits) => Assert.Equal(digits, XentopTable.Digits(n));
}

/// <summary>The batch text reads back into the columns it was printed from (what scripts do with xentop -b).</summary>
public sealed class XentopBatchTextTests
{
    [Fact]
    public void TwoIterationsReadBackIntoTheirColumns()
    {
        var dom0 = new XentopDomain(0, "Domain-0", "-----r", 9_000_000_000, 1048576, null, 2, [], [], []);
        var guest = new XentopDomain(1, "web", "--b---", 3_000_000_000, 131072, 131072, 1, [], [], []);
        var first = new XentopSnapshot(10, 4194304, 1048576, 2, 2000, [dom0, guest]);
        var second = first with { Time = 11, Domains = [dom0, guest with { CpuNs = 3_500_000_000 }] };
        var text = XentopTable.Format(first, null, new XentopOptions()) + XentopTable.Format(second, first, new XentopOptions());
        var iterations = XentopBatchText.Parse(text);
        Assert.Equal(2, iterations.Count);
        Assert.Equal("no-limit", iterations[0][0]["MAXMEM(k)"]);
        Assert.Equal(("web", "--b---", 3.0, 0.0), (iterations[0][1]["NAME"], iterations[0][1]["STATE"], iterations[0][1].Number("CPU(sec)"), iterations[0][1].Number("CPU(%)")));
        Assert.Equal(50.0, iterations[1][1].Number("CPU(%)"));
        Assert.Throws<FormatException>(() => XentopBatchText.Parse("web --b--- 1\n"));
    }
}
