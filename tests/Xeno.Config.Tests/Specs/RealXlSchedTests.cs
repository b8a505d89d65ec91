using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

/// <summary>
/// Debian's real xl 4.17 on the sched-credit / sched-credit2 texts Xeno's xl claims
/// (Xeno.Cli.Tests' SchedCommandTests pins Xeno's xl to the same lines): the help and every
/// argument error xl prints before it asks the hypervisor.
/// </summary>
public sealed class RealXlSchedTests
{
    [Theory]
    [InlineData("sched-credit -p x -d 1", 1, "Specifying a cpupool or schedparam is not allowed with domain options.")]
    [InlineData("sched-credit -s -w 1", 1, "Specifying a cpupool or schedparam is not allowed with domain options.")]
    [InlineData("sched-credit -s -d d", 1, "Specifying a cpupool or schedparam is not allowed with domain options.")]
    [InlineData("sched-credit -w 5", 1, "Must specify a domain.")]
    [InlineData("sched-credit -c -1", 1, "Must specify a domain.")]
    [InlineData("sched-credit -t 5", 1, "Must specify schedparam to set schedule parameter values.")]
    [InlineData("sched-credit -r 5", 1, "Must specify schedparam to set schedule parameter values.")]
    [InlineData("sched-credit --migration_delay_us=5", 1, "Must specify schedparam to set schedule parameter values.")]
    [InlineData("sched-credit2 -p x -w 3", 1, "Specifying a cpupool is not allowed with other options.")]
    [InlineData("sched-credit2 --cpupool=x -d d", 1, "Specifying a cpupool is not allowed with other options.")]
    [InlineData("sched-credit2 -w 3", 1, "Must specify a domain.")]
    [InlineData("sched-credit -x", 2, "option `x' not supported.")]
    [InlineData("sched-credit2 -t 4", 2, "option `t' not supported.")]
    [InlineData("sched-credit2 -m 4", 2, "option `m' not supported.")]
    public void ArgumentErrors(string args, int exit, string err)
    {
        var r = RealXl.Exec(args.Split(' '));
        Assert.Equal(exit, r.ExitCode);
        Assert.Empty(r.Stdout);
        Assert.Equal([err], r.Stderr);
    }

    [Theory]
    [InlineData("sched-credit", "Usage: xl [-vtTf] sched-credit [-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p CPUPOOL]",
        "Get/set credit scheduler parameters.", "-d DOMAIN, --domain=DOMAIN        Domain to modify", "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL", 11)]
    [InlineData("sched-credit2", "Usage: xl [-vtTf] sched-credit2 [-d <Domain> [-w[=WEIGHT]]] [-p CPUPOOL]",
        "Get/set credit2 scheduler parameters.", "-d DOMAIN, --domain=DOMAIN     Domain to modify", "-p CPUPOOL, --cpupool=CPUPOOL  Restrict output to CPUPOOL", 9)]
    public void Help(string command, string usage, string description, string firstOption, string lastOption, int lines)
    {
        var r = RealXl.Exec("help", command);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(lines, r.Stdout.Length);
        Assert.Equal([usage, description, "Options:", firstOption], r.Stdout[..4]);
        Assert.Equal(lastOption, r.Stdout[^1]);
    }
}
