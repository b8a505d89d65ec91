using Xeno.Cli.Commands.Scheduling;

namespace Xeno.Cli.Tests.Scheduling;

/// <summary>
/// xl sched-credit and sched-credit2 without a xenod: help texts and argument errors as Debian's
/// xl 4.17 prints them (captured under tools/xl-spec-oracle's shim; the differential test in
/// Xeno.Config.Tests runs the real xl for the same cases), and the row formats of xl_sched.c.
/// </summary>
public sealed class SchedCommandTests : IDisposable
{
    private readonly XlRunner _xl = new();

    public void Dispose() => _xl.Dispose();

    public const string CreditHelp =
        "Usage: xl [-vtTf] sched-credit [-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p CPUPOOL]\n\n" +
        "Get/set credit scheduler parameters.\n\nOptions:\n\n" +
        "-d DOMAIN, --domain=DOMAIN        Domain to modify\n" +
        "-w WEIGHT, --weight=WEIGHT        Weight (int)\n" +
        "-c CAP, --cap=CAP                 Cap (int)\n" +
        "-s         --schedparam           Query / modify scheduler parameters\n" +
        "-t TSLICE, --tslice_ms=TSLICE     Set the timeslice, in milliseconds\n" +
        "-r RLIMIT, --ratelimit_us=RLIMIT  Set the scheduling rate limit, in microseconds\n" +
        "-m DLY, --migration_delay_us=DLY  Set the migration delay, in microseconds\n" +
        "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL\n";

    public const string Credit2Help =
        "Usage: xl [-vtTf] sched-credit2 [-d <Domain> [-w[=WEIGHT]]] [-p CPUPOOL]\n\n" +
        "Get/set credit2 scheduler parameters.\n\nOptions:\n\n" +
        "-d DOMAIN, --domain=DOMAIN     Domain to modify\n" +
        "-w WEIGHT, --weight=WEIGHT     Weight (int)\n" +
        "-c CAP,    --cap=CAP           Cap (int)\n" +
        "-s         --schedparam        Query / modify scheduler parameters\n" +
        "-r RLIMIT, --ratelimit_us=RLIMIT Set the scheduling rate limit, in microseconds\n" +
        "-p CPUPOOL, --cpupool=CPUPOOL  Restrict output to CPUPOOL\n";

    [Fact]
    public void HelpTextsAreXlS()
    {
        Assert.Equal((0, CreditHelp, ""), _xl.Run("help", "sched-credit"));
        Assert.Equal((0, CreditHelp, ""), _xl.Run("sched-credit", "-h"));
        Assert.Equal((0, Credit2Help, ""), _xl.Run("help", "sched-credit2"));
        Assert.Equal((0, Credit2Help, ""), _xl.Run("sched-credit2", "--help"));
        var list = _xl.Run("help").Out;
        Assert.Contains("\n sched-credit        Get/set credit scheduler parameters\n", list, StringComparison.Ordinal);
        Assert.Contains("\n sched-credit2       Get/set credit2 scheduler parameters\n", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sched-credit -p x -d 1", 1, "Specifying a cpupool or schedparam is not allowed with domain options.\n")]
    [InlineData("sched-credit -s -w 1", 1, "Specifying a cpupool or schedparam is not allowed with domain options.\n")]
    [InlineData("sched-credit -s -d d", 1, "Specifying a cpupool or schedparam is not allowed with domain options.\n")]
    [InlineData("sched-credit -w 5", 1, "Must specify a domain.\n")]
    [InlineData("sched-credit -c -1", 1, "Must specify a domain.\n")]
    [InlineData("sched-credit -t 5", 1, "Must specify schedparam to set schedule parameter values.\n")]
    [InlineData("sched-credit -r 5", 1, "Must specify schedparam to set schedule parameter values.\n")]
    [InlineData("sched-credit --migration_delay_us=5", 1, "Must specify schedparam to set schedule parameter values.\n")]
    [InlineData("sched-credit2 -p x -w 3", 1, "Specifying a cpupool is not allowed with other options.\n")]
    [InlineData("sched-credit2 --cpupool=x -d d", 1, "Specifying a cpupool is not allowed with other options.\n")]
    [InlineData("sched-credit2 -w 3", 1, "Must specify a domain.\n")]
    [InlineData("sched-credit -x", 2, "option `x' not supported.\n")]
    [InlineData("sched-credit2 -t 4", 2, "option `t' not supported.\n")]
    [InlineData("sched-credit2 -m 4", 2, "option `m' not supported.\n")]
    public void ArgumentErrorsAreXlSAndComeBeforeXenodIsAsked(string args, int exit, string err)
    {
        Assert.Equal((exit, "", err), _xl.Run(args.Split(' ')));
    }

    [Fact]
    public void WithoutXenodTheQueriesSaySo()
    {
        var r = _xl.Run("sched-credit");
        Assert.Equal(1, r.Exit);
        Assert.Contains("xenod", r.Err, StringComparison.Ordinal);
        Assert.Equal(1, _xl.Run("sched-credit2", "-d", "d", "-w", "5").Exit);
        Assert.Equal((1, "", "command does not implement -N (dryrun) option\n"), _xl.Run("-N", "sched-credit", "-d", "d", "-w", "5"));
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("  42abc", 42)]
    [InlineData("abc", 0)]
    [InlineData("", 0)]
    [InlineData("-1", -1)]
    [InlineData("+7", 7)]
    [InlineData("4294967296", 0)]
    [InlineData("99999999999999999999999", -1)]
    public void NumbersAreReadAsStrtolIntoAnInt(string text, int value)
    {
        Assert.Equal(value, SchedArgs.Strtol(text));
    }

    [Fact]
    public void RowsUseXlSColumns()
    {
        Assert.Equal("Name                                ID Weight  Cap\n", SchedText.Header);
        Assert.Equal("Domain-0                             0    256    0\n", SchedText.Domain("Domain-0", 0, 256, 0));
        Assert.Equal("a-very-long-domain-name-that-goes-on   12  65535  400\n", SchedText.Domain("a-very-long-domain-name-that-goes-on", 12, 65535, 400));
        Assert.Equal("Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n", SchedText.CreditPool("Pool-0", 30, 1000, 0));
        Assert.Equal("Cpupool Pool-0: ratelimit=1000us\n", SchedText.Credit2Pool("Pool-0", 1000));
    }

    [Fact]
    public void RandomArgumentsNeverThrowOutOfTheParser()
    {
        var rng = new Random(6);
        string[] words = ["-d", "-w", "-c", "-s", "-t", "-r", "-m", "-p", "x", "1", "-1", "abc", "--weight=3", "--cap", "99999999999"];
        for (int i = 0; i < 300; i++)
        {
            var args = Enumerable.Range(0, rng.Next(0, 6)).Select(_ => words[rng.Next(words.Length)]).ToArray();
            var r = _xl.Run(["sched-credit", .. args]);
            Assert.InRange(r.Exit, 0, 2);
            var r2 = _xl.Run(["sched-credit2", .. args]);
            Assert.InRange(r2.Exit, 0, 2);
        }
    }
}
