using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Commands.Scheduling;

/// <summary>
/// `xl sched-credit` and `xl sched-credit2`: list every domain's weight and cap with Pool-0's
/// parameters, show or set one domain's (-d, -w, -c), show or set the pool's (-s, -t, -r, -m).
/// xenod stands for one scheduler (xl info's xen_scheduler); asking the other behaves as xl on
/// a host whose pool runs a different scheduler. Weight and cap are enforced by the domain's cgroup.
/// </summary>
public static class SchedCreditCommands
{
    public static readonly XlCommand Credit = new(
        "sched-credit", (c, a) => Run(c, a, credit2: false), Modifies: true, CanDryRun: false,
        "Get/set credit scheduler parameters",
        "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p CPUPOOL]",
        "-d DOMAIN, --domain=DOMAIN        Domain to modify\n" +
        "-w WEIGHT, --weight=WEIGHT        Weight (int)\n" +
        "-c CAP, --cap=CAP                 Cap (int)\n" +
        "-s         --schedparam           Query / modify scheduler parameters\n" +
        "-t TSLICE, --tslice_ms=TSLICE     Set the timeslice, in milliseconds\n" +
        "-r RLIMIT, --ratelimit_us=RLIMIT  Set the scheduling rate limit, in microseconds\n" +
        "-m DLY, --migration_delay_us=DLY  Set the migration delay, in microseconds\n" +
        "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL");

    public static readonly XlCommand Credit2 = new(
        "sched-credit2", (c, a) => Run(c, a, credit2: true), Modifies: true, CanDryRun: false,
        "Get/set credit2 scheduler parameters",
        "[-d <Domain> [-w[=WEIGHT]]] [-p CPUPOOL]",
        "-d DOMAIN, --domain=DOMAIN     Domain to modify\n" +
        "-w WEIGHT, --weight=WEIGHT     Weight (int)\n" +
        "-c CAP,    --cap=CAP           Cap (int)\n" +
        "-s         --schedparam        Query / modify scheduler parameters\n" +
        "-r RLIMIT, --ratelimit_us=RLIMIT Set the scheduling rate limit, in microseconds\n" +
        "-p CPUPOOL, --cpupool=CPUPOOL  Restrict output to CPUPOOL");

    private const string Pool0 = CpupoolText.Pool0;

    private static int Run(XlContext ctx, IReadOnlyList<string> args, bool credit2)
    {
        var def = credit2 ? Credit2 : Credit;
        LongOption[] longs = credit2
            ? [new("domain", true, 'd'), new("weight", true, 'w'), new("cap", true, 'c'), new("schedparam", false, 's'),
               new("ratelimit_us", true, 'r'), new("cpupool", true, 'p')]
            : [new("domain", true, 'd'), new("weight", true, 'w'), new("cap", true, 'c'), new("schedparam", false, 's'),
               new("tslice_ms", true, 't'), new("ratelimit_us", true, 'r'), new("migration_delay_us", true, 'm'), new("cpupool", true, 'p')];
        var parsed = DomainArgs.Parse(ctx, def, credit2 ? "d:w:c:p:r:s" : "d:w:c:p:t:r:m:s", longs, args, 0, out var exit);
        if (parsed is null) return exit;
        var typed = SchedArgs.From(parsed.Options);
        // xl's checks see -w/-c as given whatever their value ...
        if (typed.Problem(credit2) is { } problem)
        {
            ctx.Err.Write(problem + "\n");
            return 1;
        }
        bool domainOptionGiven = typed.Weight is not null || typed.Cap is not null;
        // ... and libxl then reads -1 as "leave as is" (LIBXL_DOMAIN_SCHED_PARAM_*_DEFAULT).
        var a = typed with { Weight = typed.Weight == -1 ? null : typed.Weight, Cap = typed.Cap == -1 ? null : typed.Cap };
        string want = credit2 ? "credit2" : "credit";
        return DomainArgs.Guard(ctx, client =>
        {
            if (a.SchedParam)
                return PoolParams(ctx, client, a, credit2, want);
            if (a.Domain is null)
                return ListAll(ctx, client, a.Pool, credit2, want);
            return domainOptionGiven ? SetDomain(ctx, client, a, want) : ShowDomain(ctx, client, a.Domain, want);
        });
    }

    private static bool KnownPool(XlContext ctx, string? pool)
    {
        // Pool-0 (id 0) is the only pool until cpupools land.
        if (pool is null || pool == Pool0 || pool == "0")
            return true;
        ctx.Err.Write($"unknown cpupool '{pool}'\n");
        return false;
    }

    private static int PoolParams(XlContext ctx, XenodClient client, SchedArgs a, bool credit2, string want)
    {
        if (!KnownPool(ctx, a.Pool)) return 1;
        var info = client.GetSchedulerAsync().Sync();
        bool set = credit2 ? a.RatelimitUs is not null : a.TsliceMs is not null || a.RatelimitUs is not null || a.MigrationDelayUs is not null;
        string which = credit2 ? "credit2" : "credit";
        if (!set)
        {
            ctx.Out.Write(info.Scheduler != want ? SchedText.Unavailable(Pool0)
                : credit2 ? SchedText.Credit2Pool(Pool0, info.RatelimitUs)
                : SchedText.CreditPool(Pool0, info.TsliceMs, info.RatelimitUs, info.MigrationDelayUs));
            return 0;
        }
        if (info.Scheduler != want)
        {
            ctx.Err.Write($"libxl: error: getting {(credit2 ? "Credit2" : "Credit")} scheduler parameters: Invalid argument\n");
            ctx.Err.Write($"libxl_sched_{which}_params_get failed.\n");
            return 1;
        }
        try
        {
            client.SetSchedulerAsync(new SetSchedulerRequest
            {
                TsliceMs = credit2 ? null : a.TsliceMs, RatelimitUs = a.RatelimitUs, MigrationDelayUs = credit2 ? null : a.MigrationDelayUs,
            }).Sync();
            return 0;
        }
        catch (XenodException e) when (e.Kind == ApiErrorKind.Invalid)
        {
            ctx.Err.Write($"libxl: error: {e.Message}\nlibxl_sched_{which}_params_set failed.\n");
            return 1;
        }
    }

    private static int ListAll(XlContext ctx, XenodClient client, string? pool, bool credit2, string want)
    {
        if (!KnownPool(ctx, pool)) return 1;
        var info = client.GetSchedulerAsync().Sync();
        if (info.Scheduler != want)
            return 0; // xl skips pools run by another scheduler: nothing to print
        ctx.Out.Write(credit2 ? SchedText.Credit2Pool(Pool0, info.RatelimitUs)
            : SchedText.CreditPool(Pool0, info.TsliceMs, info.RatelimitUs, info.MigrationDelayUs));
        ctx.Out.Write(SchedText.Header);
        ctx.Out.Write(SchedText.Domain("Domain-0", 0, 256, 0));
        foreach (var d in DomainArgs.Domains(client).OrderBy(d => d.Domid))
        {
            DomainSchedParams p;
            try { p = client.GetSchedAsync(DomainArgs.Dom(d.Domid)).Sync(); }
            catch (XenodException e) when (e.Kind == ApiErrorKind.NotFound) { continue; } // destroyed meanwhile
            ctx.Out.Write(SchedText.Domain(d.Name, d.Domid, p.Weight, p.Cap));
        }
        return 0;
    }

    private static int ShowDomain(XlContext ctx, XenodClient client, string dom, string want)
    {
        var info = client.GetSchedulerAsync().Sync();
        bool dom0 = Dom0Requests.Names(dom);
        int domid = dom0 ? 0 : client.GetDomainAsync(dom).Sync().Domid;
        ctx.Out.Write(SchedText.Header);
        if (info.Scheduler != want)
        {
            ctx.Err.Write($"libxl_domain_sched_params_get returned {info.Scheduler} not {want}.\n");
            return 1;
        }
        if (dom0)
        {
            ctx.Out.Write(SchedText.Domain("Domain-0", 0, 256, 0));
            return 0;
        }
        var d = client.GetDomainAsync(DomainArgs.Dom(domid)).Sync();
        var p = client.GetSchedAsync(DomainArgs.Dom(domid)).Sync();
        ctx.Out.Write(SchedText.Domain(d.Name, d.Domid, p.Weight, p.Cap));
        return 0;
    }

    private static int SetDomain(XlContext ctx, XenodClient client, SchedArgs a, string want)
    {
        var info = client.GetSchedulerAsync().Sync();
        if (Dom0Requests.Names(a.Domain!))
        {
            ctx.Err.Write("libxl: error: Domain 0:Domain-0 is the host itself under Xeno; its weight and cap are the host's own\n" +
                          "libxl_domain_sched_params_set failed.\n");
            return 1;
        }
        int domid = client.GetDomainAsync(a.Domain!).Sync().Domid;
        if (info.Scheduler != want)
        {
            // libxl asks the hypervisor for the other scheduler's parameters, which it refuses.
            ctx.Err.Write($"libxl: error: Domain {domid}:Getting domain sched {want}: Invalid argument\nlibxl_domain_sched_params_set failed.\n");
            return 1;
        }
        if (a.Weight is null && a.Cap is null)
            return 0; // only -1s: libxl leaves both as they are
        try
        {
            client.SetSchedAsync(DomainArgs.Dom(domid), new SetDomainSchedRequest { Weight = a.Weight, Cap = a.Cap }).Sync();
            return 0;
        }
        catch (XenodException e) when (e.Kind == ApiErrorKind.Invalid)
        {
            ctx.Err.Write($"libxl: error: Domain {domid}:{e.Message}\nlibxl_domain_sched_params_set failed.\n");
            return 1;
        }
    }
}
