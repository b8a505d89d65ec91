using Xeno.Cli.Commands.Scheduling;
using Xeno.Cli.Tests.Support;

namespace Xeno.Cli.Tests.Scheduling;

/// <summary>
/// xl's cpupool commands without a xenod: help texts and argument errors compared with Debian's
/// xl 4.17 run under the shim (RealXl), and cpupool-list's text in xl_cpupool.c's formats.
/// The commands against a running xenod are in Xeno.Engine.Tests (CpupoolTests).
/// </summary>
public sealed class CpupoolCommandTests
{
    [Theory]
    [InlineData("help", "cpupool-list")]
    [InlineData("help", "cpupool-create")]
    [InlineData("help", "cpupool-destroy")]
    [InlineData("help", "cpupool-rename")]
    [InlineData("help", "cpupool-cpu-add")]
    [InlineData("help", "cpupool-cpu-remove")]
    [InlineData("help", "cpupool-migrate")]
    [InlineData("help", "cpupool-numa-split")]
    [InlineData("cpupool-list", "-h")]
    [InlineData("cpupool-list", "-x")]
    [InlineData("cpupool-destroy")]
    [InlineData("cpupool-rename", "Pool-0")]
    [InlineData("cpupool-cpu-add", "Pool-0")]
    [InlineData("cpupool-cpu-remove")]
    [InlineData("cpupool-migrate", "a")]
    [InlineData("cpupool-numa-split", "--help")]
    [InlineData("cpupool-create", "-q")]
    [InlineData("-N", "cpupool-destroy", "x")]
    public void UsageAndArgumentErrorsAsRealXl(params string[] args)
    {
        using var xl = new XlRunner();
        Assert.Equal(RealXl.Run(args), xl.Run(args));
    }

    [Fact]
    public void TheCommandListHasThemAsXl()
    {
        using var xl = new XlRunner();
        var list = xl.Run("help").Out;
        Assert.Contains("\n cpupool-list        List CPU pools on host\n", list, StringComparison.Ordinal);
        Assert.Contains("\n cpupool-numa-split  Splits up the machine into one CPU pool per NUMA node\n", list, StringComparison.Ordinal);
        // "cpupool" alone is ambiguous, as in xl.
        Assert.Equal(1, xl.Run("cpupool").Exit);
    }

    [Fact]
    public void ListIsXlsTable()
    {
        var pool = new CpupoolRow("Pool-0", [0, 1, 2, 3], "credit2", 3);
        Assert.Equal(
            "Name               CPUs   Sched     Active   Domain count\n" +
            "Pool-0               4   credit2       y          3\n", CpupoolText.List([pool], cpuList: false));
        Assert.Equal(
            "Name               CPU list\n" +
            "Pool-0             0,1,2,3\n", CpupoolText.List([pool], cpuList: true));
        // Wide figures push the columns as printf's minimum widths do.
        var big = new CpupoolRow("a-very-long-pool-name", [.. Enumerable.Range(0, 1024)], "credit", 12345);
        Assert.Equal(
            "Name               CPUs   Sched     Active   Domain count\n" +
            "a-very-long-pool-name1024    credit       y       12345\n", CpupoolText.List([big], cpuList: false));
    }

    [Fact]
    public void AnUnknownPoolIsNamedBeforeXenodIsAsked()
    {
        using var xl = new XlRunner();
        Assert.Equal((1, "", "Pool 'Pool-1' does not exist\n"), xl.Run("cpupool-list", "Pool-1"));
        // cpupool-list looks pools up by name only (libxl_name_to_cpupoolid); the others take an id too.
        Assert.Equal((1, "", "Pool '0' does not exist\n"), xl.Run("cpupool-list", "-c", "0"));
        Assert.True(CpupoolText.IsPool0Qualifier("0"));
        Assert.True(CpupoolText.IsPool0Qualifier("Pool-0"));
        Assert.False(CpupoolText.IsPool0Qualifier("1"));
        Assert.False(CpupoolText.IsPool0Qualifier(""));
        Assert.Equal((1, "", "unknown cpupool 'p1'\n"), xl.Run("cpupool-destroy", "p1"));
        Assert.Equal((1, "", "unknown cpupool '7'\n"), xl.Run("cpupool-rename", "7", "x"));
    }
}
