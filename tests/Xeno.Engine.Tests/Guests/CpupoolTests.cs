using System.Globalization;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// xl's cpupool commands against a real xenod with one domain (created paused: its QEMU runs,
/// no guest boots): Pool-0 with every host CPU, the host's scheduler and Domain-0 plus the
/// domain; migrating into Pool-0 succeeds; what would change the pools is refused and changes
/// nothing.
/// </summary>
public sealed class CpupoolTests
{
    [Fact]
    public async Task PoolZeroHoldsEveryCpuAndDomain()
    {
        await using var x = await Xenod.StartAsync();
        // pool= names Pool-0 or is refused with libxl's words before anything starts.
        var bad = x.Xl("create", "-q", x.PvConfig("badpool", memory: 128, extra: "pool=\"p1\"\n"));
        Assert.Equal(3, bad.Exit);
        Assert.StartsWith("libxl: error: Illegal pool specified: p1\n", bad.Err, StringComparison.Ordinal);
        Assert.Equal((0, "", ""), x.Xl("create", "-q", "-p", x.PvConfig("pooled", memory: 128, extra: "pool=\"Pool-0\"\n")));
        // The host's CPUs and scheduler as xl info shows them (cpu_topology rows "  N:    core …").
        string scheduler = x.Xl("info", "xen_scheduler").Out.Trim();
        var cpus = x.Xl("info", "-n").Out.Split('\n')
            .SkipWhile(l => !l.StartsWith("cpu:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.Contains(':', StringComparison.Ordinal) && !l.StartsWith("device", StringComparison.Ordinal))
            .Select(l => int.Parse(l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), CultureInfo.InvariantCulture)).Order().ToList();
        Assert.NotEmpty(cpus);
        Assert.Contains(scheduler, new[] { "credit", "credit2" });

        var table = "Name               CPUs   Sched     Active   Domain count\n" +
                    $"Pool-0             {cpus.Count,3} {scheduler,9}       y          2\n";
        Assert.Equal((0, table, ""), x.Xl("cpupool-list"));
        Assert.Equal((0, table, ""), x.Xl("cpupool-list", "Pool-0"));
        var list = "Name               CPU list\n" +
                   $"Pool-0             {string.Join(',', cpus.Select(c => c.ToString(CultureInfo.InvariantCulture)))}\n";
        Assert.Equal((0, list, ""), x.Xl("cpupool-list", "--cpus"));

        // Every domain is in Pool-0 already (also by its id 0); unknown names as xl words them.
        Assert.Equal((0, "", ""), x.Xl("cpupool-migrate", "pooled", "Pool-0"));
        Assert.Equal((0, "", ""), x.Xl("cpupool-migrate", "pooled", "0"));
        Assert.Equal((1, "", "unknown domain 'nosuch'\n"), x.Xl("cpupool-migrate", "nosuch", "Pool-0"));
        Assert.Equal((1, "", "unknown cpupool 'p1'\n"), x.Xl("cpupool-migrate", "pooled", "p1"));

        // Refusals: xl's failure lines (and statuses), after the reason.
        const string Reason = "libxl: error: Xeno has one cpupool, Pool-0, holding every host CPU; ";
        Assert.Equal((1, "", Reason + "it cannot be destroyed\nCan't destroy cpupool 'Pool-0'\n"), x.Xl("cpupool-destroy", "Pool-0"));
        Assert.Equal((1, "", Reason + "it keeps its name\nCan't rename cpupool 'Pool-0'\n"), x.Xl("cpupool-rename", "Pool-0", "main"));
        Assert.Equal((1, "", Reason + "no CPU is free for a new pool\nerror on creating cpupool\n"), x.Xl("cpupool-create", "name=\"p1\"", "cpus=\"0\""));
        Assert.Equal((0, "", Reason + "no CPU is free to add\nsome cpus may not have been added to Pool-0\n"), x.Xl("cpupool-cpu-add", "Pool-0", "0"));
        Assert.Equal((0, "", Reason + "it keeps them all\nSome cpus may have not or only partially been removed from 'Pool-0'.\n" +
                             "If a cpu can't be added to another cpupool, add it to 'Pool-0' again and retry.\n"), x.Xl("cpupool-cpu-remove", "Pool-0", "0"));
        Assert.Equal((1, "", "unknown cpupool 'p1'\n"), x.Xl("cpupool-cpu-add", "p1", "0"));
        Assert.Equal(1, x.Xl("cpupool-numa-split").Exit);
        Assert.Equal((0, table, ""), x.Xl("cpupool-list"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "pooled"));
    }
}
