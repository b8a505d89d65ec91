using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Scheduling;

/// <summary>
/// xl's cpupool commands over Xeno's one pool: Pool-0 holds every host CPU and every domain,
/// run by the host's scheduler (xl info's xen_scheduler). cpupool-list shows it as xl does and
/// cpupool-migrate into Pool-0 succeeds (the domain is there already); what would make a second
/// pool or take CPUs out of Pool-0 is refused with xl's failure line after a libxl-style reason,
/// and changes nothing. Names that are no pool get xl's "unknown cpupool" / "does not exist".
/// </summary>
public static class CpupoolCommands
{
    private const string NotSupported = "libxl: error: Xeno has one cpupool, Pool-0, holding every host CPU; ";

    public static readonly XlCommand List = new(
        "cpupool-list", RunList, Modifies: false, CanDryRun: false,
        "List CPU pools on host", "[-c|--cpus] [<CPU Pool>]",
        "-c, --cpus                     Output list of CPUs used by a pool");

    public static readonly XlCommand Create = new(
        "cpupool-create", RunCreate, Modifies: true, CanDryRun: true,
        "Create a new CPU pool", "[options] [<ConfigFile>] [Variable=value ...]",
        "-h, --help                   Print this help.\n" +
        "-f FILE, --defconfig=FILE    Use the given configuration file.\n" +
        "-n, --dryrun                 Dry run - prints the resulting configuration.\n" +
        "                              (deprecated in favour of global -N option).\n" +
        "\nSee the xlcpupool.cfg(5) manpage for more information.");

    public static readonly XlCommand Destroy = new(
        "cpupool-destroy", RunDestroy, Modifies: true, CanDryRun: false, "Deactivates a CPU pool", "<CPU Pool>", null);

    public static readonly XlCommand Rename = new(
        "cpupool-rename", RunRename, Modifies: true, CanDryRun: false, "Renames a CPU pool", "<CPU Pool> <new name>", null);

    public static readonly XlCommand CpuAdd = new(
        "cpupool-cpu-add", (c, a) => RunCpus(c, a, add: true), Modifies: true, CanDryRun: false,
        "Adds a CPU to a CPU pool", "<CPU Pool> <CPU nr>|node:<node nr>", null);

    public static readonly XlCommand CpuRemove = new(
        "cpupool-cpu-remove", (c, a) => RunCpus(c, a, add: false), Modifies: true, CanDryRun: false,
        "Removes a CPU from a CPU pool", "<CPU Pool> <CPU nr>|node:<node nr>", null);

    public static readonly XlCommand Migrate = new(
        "cpupool-migrate", RunMigrate, Modifies: true, CanDryRun: false, "Moves a domain into a CPU pool", "<Domain> <CPU Pool>", null);

    public static readonly XlCommand NumaSplit = new(
        "cpupool-numa-split", RunNumaSplit, Modifies: true, CanDryRun: false,
        "Splits up the machine into one CPU pool per NUMA node", "", null);

    private static int RunList(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, List, "c", [new("cpus", false, 'c')], args, 0, out var exit);
        if (parsed is null) return exit;
        // xl takes the first operand as the pool (by name only: libxl_name_to_cpupoolid).
        if (parsed.Operands.Count > 0 && parsed.Operands[0] != CpupoolText.Pool0)
        {
            ctx.Err.Write($"Pool '{parsed.Operands[0]}' does not exist\n");
            return 1;
        }
        bool cpus = parsed.Options.Any(o => o.Option == 'c');
        return DomainArgs.Guard(ctx, client =>
        {
            var host = client.GetHostAsync().Sync();
            int domains = DomainArgs.Domains(client).Count + 1; // and Domain-0
            var pool = new CpupoolRow(CpupoolText.Pool0, [.. host.CpuTopology.Select(c => c.Cpu).Order()], host.XenScheduler, domains);
            ctx.Out.Write(CpupoolText.List([pool], cpus));
            return 0;
        });
    }

    private static int RunCreate(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, Create, "nf:", [new("defconfig", true, 'f'), new("dryrun", false, 'n')], args, 0, out var exit);
        if (parsed is null) return exit;
        var file = parsed.Options.Where(o => o.Option == 'f').Select(o => o.Argument).LastOrDefault();
        foreach (var operand in parsed.Operands.Where(o => !o.Contains('=', StringComparison.Ordinal)))
        {
            if (file is not null)
            {
                XlHelp.PrintCommand(ctx.Out, Create);
                return 1;
            }
            file = operand;
        }
        if (file is not null && !File.Exists(file))
        {
            ctx.Err.Write($"Failed to read config file: {file}: No such file or directory\n");
            return 1;
        }
        ctx.Err.Write(NotSupported + "no CPU is free for a new pool\nerror on creating cpupool\n");
        return 1;
    }

    private static int RunDestroy(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, Destroy, "", [], args, 1, out var exit);
        if (parsed is null) return exit;
        var pool = parsed.Operands[0];
        if (!KnownPool(ctx, pool)) return 1;
        ctx.Err.Write(NotSupported + "it cannot be destroyed\n" + $"Can't destroy cpupool '{pool}'\n");
        return 1;
    }

    private static int RunRename(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, Rename, "", [], args, 2, out var exit);
        if (parsed is null) return exit;
        var pool = parsed.Operands[0];
        if (!KnownPool(ctx, pool)) return 1;
        ctx.Err.Write(NotSupported + "it keeps its name\n" + $"Can't rename cpupool '{pool}'\n");
        return 1;
    }

    /// <summary>
    /// cpu-add: every CPU is in Pool-0 already, none is free to add. cpu-remove: Pool-0 keeps
    /// them all. xl reports both as partial failures with status 0, and so does this.
    /// </summary>
    private static int RunCpus(XlContext ctx, IReadOnlyList<string> args, bool add)
    {
        var parsed = DomainArgs.Parse(ctx, add ? CpuAdd : CpuRemove, "", [], args, 2, out var exit);
        if (parsed is null) return exit;
        var pool = parsed.Operands[0];
        return DomainArgs.Guard(ctx, client =>
        {
            // xl parses the CPU list before it looks the pool up.
            var host = client.GetHostAsync().Sync();
            var nodes = NodeAffinity.HostNodes(host);
            var cpus = CpuList.Parse(parsed.Operands[1], new HostCpuTopology(host.CpuTopology.Count, nodes));
            if (!cpus.Ok)
            {
                foreach (var e in cpus.Errors) ctx.Err.Write(e + "\n");
                return 1;
            }
            if (!KnownPool(ctx, pool)) return 1;
            if (add)
            {
                ctx.Err.Write(NotSupported + "no CPU is free to add\n" + $"some cpus may not have been added to {pool}\n");
            }
            else
            {
                ctx.Err.Write(NotSupported + "it keeps them all\n" +
                              $"Some cpus may have not or only partially been removed from '{pool}'.\n" +
                              $"If a cpu can't be added to another cpupool, add it to '{pool}' again and retry.\n");
            }
            return 0;
        });
    }

    private static int RunMigrate(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, Migrate, "", [], args, 2, out var exit);
        if (parsed is null) return exit;
        var (dom, pool) = (parsed.Operands[0], parsed.Operands[1]);
        return DomainArgs.Guard(ctx, client =>
        {
            bool known = dom is "0" or "Domain-0" || DomainArgs.Domains(client).Any(d =>
                d.Name == dom || d.Domid.ToString(System.Globalization.CultureInfo.InvariantCulture) == dom);
            if (!known)
            {
                ctx.Err.Write($"unknown domain '{dom}'\n");
                return 1;
            }
            // Into Pool-0, where every domain is: nothing to move.
            return KnownPool(ctx, pool) ? 0 : 1;
        });
    }

    private static int RunNumaSplit(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, NumaSplit, "", [], args, 0, out var exit);
        if (parsed is null) return exit;
        ctx.Err.Write(NotSupported + "it cannot be split per NUMA node\nerror on renaming Pool 0\n");
        return 1;
    }

    private static bool KnownPool(XlContext ctx, string pool)
    {
        if (CpupoolText.IsPool0Qualifier(pool)) return true;
        ctx.Err.Write($"unknown cpupool '{pool}'\n");
        return false;
    }
}
