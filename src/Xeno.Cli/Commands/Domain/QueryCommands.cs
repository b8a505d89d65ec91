using System.Globalization;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Domain;

/// <summary>`xl domid`, `domname`, `vm-list`, `uptime`, `vcpu-list`, `info`, `dmesg`: read-only views in xl's formats.</summary>
public static class QueryCommands
{
    public static readonly XlCommand DomId = new("domid", RunDomId, false, false, "Convert a domain name to domain id", "<DomainName>", null);
    public static readonly XlCommand DomName = new("domname", RunDomName, false, false, "Convert a domain id to domain name", "<DomainId>", null);
    public static readonly XlCommand VmList = new("vm-list", RunVmList, false, false, "List guest domains, excluding dom0, stubdoms, etc.", "", null);
    public static readonly XlCommand Uptime = new("uptime", RunUptime, false, false, "Print uptime for all/some domains",
        "[-s] [Domain]", "-s                      Short output");
    public static readonly XlCommand VcpuList = new("vcpu-list", RunVcpuList, false, false, "List the VCPUs for all/some domains", "[Domain, ...]", null);
    public static readonly XlCommand Info = new("info", RunInfo, false, false, "Get information about Xen host",
        "-n", "-n, --numa              List host NUMA topology information");
    public static readonly XlCommand Dmesg = new("dmesg", RunDmesg, false, false, "Read and/or clear dmesg buffer",
        "[-c]", "  -c                        Clear dmesg buffer as well as printing it");

    private static int RunDomId(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, DomId, "", [], args, 1, out var exit);
        if (p is null) return exit;
        var name = p.Operands[0];
        return DomainArgs.Guard(ctx, client =>
        {
            if (name == "Domain-0") { ctx.Out.Write("0\n"); return 0; }
            var d = DomainArgs.Domains(client).FirstOrDefault(x => x.Name == name);
            if (d is null)
            {
                ctx.Err.Write($"Can't get domid of domain name '{name}', maybe this domain does not exist.\n");
                return 1;
            }
            ctx.Out.Write($"{d.Domid}\n");
            return 0;
        });
    }

    private static int RunDomName(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, DomName, "", [], args, 1, out var exit);
        if (p is null) return exit;
        var text = p.Operands[0];
        // xl parses the id with strtol: leading digits count, anything else is 0.
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        long id = digits == 0 ? 0 : long.Parse(text.AsSpan(0, Math.Min(digits, 18)), CultureInfo.InvariantCulture);
        return DomainArgs.Guard(ctx, client =>
        {
            if (id == 0) { ctx.Out.Write("Domain-0\n"); return 0; }
            var d = DomainArgs.Domains(client).FirstOrDefault(x => x.Domid == id);
            if (d is null)
            {
                ctx.Err.Write($"Can't get domain name of domain id '{id}', maybe this domain does not exist.\n");
                return 1;
            }
            ctx.Out.Write(d.Name + "\n");
            return 0;
        });
    }

    private static int RunVmList(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, VmList, "", [], args, 0, out var exit);
        if (p is null) return exit;
        return DomainArgs.Guard(ctx, client =>
        {
            ctx.Out.Write("UUID                                  ID    name\n");
            foreach (var d in DomainArgs.Domains(client))
                ctx.Out.Write($"{d.Uuid}  {d.Domid}    {d.Name,-30}\n");
            return 0;
        });
    }

    private static int RunUptime(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Uptime, "s", [], args, 0, out var exit);
        if (p is null) return exit;
        bool shortMode = p.Options.Any(o => o.Option == 's');
        return DomainArgs.Guard(ctx, client =>
        {
            var host = client.GetHostAsync().Sync();
            double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            var rows = new List<(string Name, int Id, long Seconds)>();
            var domains = DomainArgs.Domains(client);
            var wanted = p.Operands;
            if (wanted.Count == 0 || wanted.Contains("0") || wanted.Contains("Domain-0"))
                rows.Add(("Domain-0", 0, (long)host.UptimeSeconds));
            foreach (var w in wanted.Where(w => w is not ("0" or "Domain-0")))
            {
                if (!domains.Any(d => d.Name == w || d.Domid.ToString(CultureInfo.InvariantCulture) == w) && !w.All(char.IsAsciiDigit))
                {
                    ctx.Err.Write($"{w} is an invalid domain identifier (rc=-6)\n");
                    return 1;
                }
            }
            foreach (var d in domains)
            {
                if (wanted.Count > 0 && !wanted.Contains(d.Name) && !wanted.Contains(d.Domid.ToString(CultureInfo.InvariantCulture)))
                    continue;
                rows.Add((d.Name, d.Domid, (long)(now - d.StartTime)));
            }
            if (!shortMode)
                ctx.Out.Write($"{"Name",-33} {"ID",4} Uptime\n");
            foreach (var (name, id, seconds) in rows)
            {
                if (shortMode)
                    ctx.Out.Write($" {DateTime.Now:HH:mm:ss} up {Format(seconds, true)}, {name} ({id})\n");
                else
                    ctx.Out.Write($"{name,-33} {id,4} {Format(seconds, false)}\n");
            }
            return 0;
        });
    }

    /// <summary>xl's uptime_to_string: "H:MM:SS", "1 day, H:MM:SS", "N days, H:MM:SS" (short: no seconds).</summary>
    internal static string Format(long uptime, bool shortMode)
    {
        if (uptime < 0) uptime = 0;
        long sec = uptime % 60; uptime /= 60;
        long min = uptime % 60; uptime /= 60;
        long hour = uptime % 24; uptime /= 24;
        long day = uptime;
        string days = day > 1 ? $"{day} days, " : day == 1 ? "1 day, " : "";
        return shortMode
            ? string.Create(CultureInfo.InvariantCulture, $"{days}{hour,2}:{min:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{days}{hour,2}:{min:00}:{sec:00}");
    }

    private static int RunVcpuList(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, VcpuList, "", [], args, 0, out var exit);
        if (p is null) return exit;
        return DomainArgs.Guard(ctx, client =>
        {
            var domains = new List<DomainInfo>();
            bool host = p.Operands.Count == 0 || p.Operands.Any(o => o is "0" or "Domain-0");
            if (p.Operands.Count == 0)
                domains.AddRange(DomainArgs.Domains(client));
            else
                domains.AddRange(p.Operands.Where(o => o is not ("0" or "Domain-0")).Select(o => client.GetDomainAsync(o).Sync()));
            ctx.Out.Write(string.Create(CultureInfo.InvariantCulture,
                $"{"Name",-32} {"ID",5} {"VCPU",5} {"CPU",5} {"State",5} {"Time(s)",9} Affinity (Hard / Soft)\n"));
            if (host)
            {
                // Domain-0 has one vCPU per host CPU, each on its own CPU, as xl lists dom0.
                var seconds = client.GetHostAsync().Sync().CpuSeconds;
                for (int i = 0; i < seconds.Count; i++)
                    VcpuRow(ctx.Out, "Domain-0", 0, i, i, false, true, seconds[i], "all", "all");
            }
            foreach (var d in domains)
            {
                bool paused = d.Paused || d.Phase != "running";
                var list = d.VcpuList;
                foreach (var v in list)
                {
                    bool running = v.Running;
                    VcpuRow(ctx.Out, d.Name, d.Domid, v.Vcpu, v.Cpu,
                        running && !paused, !running && !paused, v.CpuTime, v.Affinity, v.SoftAffinity);
                }
                // vCPUs beyond vcpus= up to maxvcpus exist but are offline: xl prints "-" and "--p".
                for (int i = list.Count; i < d.Maxvcpus && list.Count > 0; i++)
                {
                    ctx.Out.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{d.Name,-32} {d.Domid,5} {i,5}{'-',5} {'-',3}-p {0.0,9:F1}  all / all\n"));
                }
            }
            return 0;
        });
    }

    /// <summary>xl's print_vcpuinfo: "%-32s %5u %5u" "%5u %3c%c- " "%9.1f  " hard " / " soft.</summary>
    private static void VcpuRow(TextWriter o, string name, int id, int vcpu, int cpu, bool running, bool blocked, double seconds, string hard, string soft) =>
        o.Write(string.Create(CultureInfo.InvariantCulture,
            $"{name,-32} {id,5} {vcpu,5}{cpu,5} {(running ? 'r' : '-'),3}{(blocked ? 'b' : '-')}- {seconds,9:F1}  {hard} / {soft}\n"));

    private static int RunInfo(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Info, "n", [new("numa", false, 'n')], args, 0, out var exit);
        if (p is null) return exit;
        bool numa = p.Options.Any(o => o.Option == 'n');
        return DomainArgs.Guard(ctx, client =>
        {
            ctx.Out.Write(HostInfoText.Format(client.GetHostAsync().Sync(), numa, p.Operands.Count > 0 ? p.Operands[0] : null));
            return 0;
        });
    }

    private static int RunDmesg(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Dmesg, "c", [new("clear", false, 'c')], args, 0, out var exit);
        if (p is null) return exit;
        bool clear = p.Options.Any(o => o.Option == 'c');
        return DomainArgs.Guard(ctx, client =>
        {
            foreach (var line in (clear ? client.ClearLogAsync() : client.GetLogAsync()).Sync().Lines)
                ctx.Out.Write(line + "\n");
            return 0;
        });
    }
}
