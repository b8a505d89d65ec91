using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl list [-l] [-v] [-Z] [-c] [-n] [Domain ...]`: Xen's table with the host as Domain-0; -c adds the
/// cpupool column (every domain is in Pool-0), -n the NUMA node affinity (the nodes holding the
/// domain's vCPUs' hard affinity; Domain-0 runs everywhere).
/// </summary>
public static class ListCommand
{
    public static readonly XlCommand Definition = new(
        "list", Run, Modifies: false, CanDryRun: false,
        "List information about all/some domains",
        "[options] [Domain]\n",
        "-l, --long              Output all VM details\n" +
        "-v, --verbose           Prints out UUIDs and security context\n" +
        "-Z, --context           Prints out security context\n" +
        "-c, --cpupool           Prints the cpupool the domain is in\n" +
        "-n, --numa              Prints out NUMA node affinity");

    private const string Header = "Name                                        ID   Mem VCPUs\tState\tTime(s)";

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, Definition, "lvZcn",
            [new("long", false, 'l'), new("verbose", false, 'v'), new("context", false, 'Z'), new("cpupool", false, 'c'), new("numa", false, 'n')],
            args, 0, out var exit);
        if (parsed is null) return exit;
        bool details = parsed.Options.Any(o => o.Option == 'l');
        bool verbose = parsed.Options.Any(o => o.Option == 'v');
        bool context = parsed.Options.Any(o => o.Option == 'Z');
        bool cpupool = parsed.Options.Any(o => o.Option == 'c');
        bool numa = parsed.Options.Any(o => o.Option == 'n');

        return DomainArgs.Guard(ctx, client =>
        {
            var all = DomainArgs.Domains(client);
            var chosen = new List<JsonNode>();
            bool includeHost = parsed.Operands.Count == 0;
            foreach (var arg in parsed.Operands)
            {
                if (arg == "0" || arg == "Domain-0") { includeHost = true; continue; }
                var d = all.FirstOrDefault(x => x!["name"]!.GetValue<string>() == arg || x["domid"]!.ToString() == arg);
                if (d is null)
                {
                    ctx.Err.Write(arg.All(char.IsAsciiDigit) ? $"Error getting domain info\n" : $"{arg} is an invalid domain identifier (rc=-6)\n");
                    return 1;
                }
                chosen.Add(d!);
            }
            if (parsed.Operands.Count == 0)
                chosen.AddRange(all.Select(x => x!));

            var host = includeHost || numa ? client.Get("host") : null;
            if (details)
            {
                if (ctx.Global.OutputFormat == "sxp")
                    SxpDomainText.Write(ctx.Out, includeHost ? Dom0Config(host!) : null, chosen);
                else
                    WriteLong(ctx.Out, includeHost ? host : null, chosen);
                return 0;
            }
            var nodes = numa ? NodeAffinity.HostNodes(host!) : null;
            ctx.Out.Write(Header);
            if (verbose) ctx.Out.Write("   UUID                            Reason-Code\tSecurity Label");
            else if (context) ctx.Out.Write("   Security Label");
            if (cpupool) ctx.Out.Write("         Cpupool");
            if (numa) ctx.Out.Write(" NODE Affinity");
            ctx.Out.Write("\n");
            if (includeHost)
            {
                Row(ctx.Out, "Domain-0", 0, host!["dom0_memory_mib"]!.GetValue<long>(), host["nr_cpus"]!.GetValue<int>(), "r-----",
                    host["host_cpu_seconds"]!.GetValue<double>());
                Tail(ctx.Out, verbose, context, "00000000-0000-0000-0000-000000000000", null, cpupool,
                    nodes is null ? null : NodeAffinity.Format(Enumerable.Range(0, nodes.Count).ToHashSet(), nodes.Count));
            }
            foreach (var d in chosen)
            {
                Row(ctx.Out, DomainArgs.Name(d), DomainArgs.Id(d), d["memory_mib"]!.GetValue<long>(), d["vcpus"]!.GetValue<int>(),
                    d["state"]!.GetValue<string>(), d["cpu_time"]!.GetValue<double>());
                Tail(ctx.Out, verbose, context, d["uuid"]!.GetValue<string>(), d["shutdown_reason"]?.GetValue<int>(), cpupool,
                    nodes is null ? null : NodeAffinity.Format(NodeAffinity.OfDomain(d, nodes), nodes.Count));
            }
            return 0;
        });
    }

    /// <summary>The few facts a host has as a domain: name, type, memory (what xl list's Domain-0 row shows), vCPUs.</summary>
    private static JsonObject Dom0Config(JsonNode host)
    {
        long mem = host["dom0_memory_mib"]!.GetValue<long>();
        int cpus = host["nr_cpus"]!.GetValue<int>();
        return new JsonObject
        {
            ["name"] = "Domain-0", ["type"] = "pv", ["uuid"] = "00000000-0000-0000-0000-000000000000",
            ["memory"] = mem, ["maxmem"] = mem, ["vcpus"] = cpus, ["maxvcpus"] = cpus,
        };
    }

    private static void Row(TextWriter o, string name, int id, long memMiB, int vcpus, string state, double seconds) =>
        o.Write(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {id,5} {memMiB,5} {vcpus,5}     {state}  {seconds,8:F1}"));

    /// <summary>xl's optional columns in its order: UUID and reason, security label, cpupool (%16s, no
    /// space before it), node affinity (a space, then the node map).</summary>
    private static void Tail(TextWriter o, bool verbose, bool context, string uuid, int? reason, bool cpupool, string? nodeAffinity)
    {
        if (verbose)
            o.Write(" " + uuid + (reason is { } r ? string.Create(CultureInfo.InvariantCulture, $" {r,8:x}") : $" {"-",8}"));
        if (verbose || context)
            o.Write($" {"-",16}");
        if (cpupool)
            o.Write($"{"Pool-0",16}");
        if (nodeAffinity is not null)
            o.Write(" " + nodeAffinity);
        o.Write("\n");
    }

    /// <summary>
    /// -l: [{"domid": N, "config": {...}}, ...] with xl's four-space indentation; the host comes
    /// first as Domain-0 (as xl lists dom0), with the few facts a host has: name, type, memory, vCPUs.
    /// </summary>
    private static void WriteLong(TextWriter o, JsonNode? host, List<JsonNode> domains)
    {
        var entries = new List<JsonNode>();
        if (host is not null)
            entries.Add(new JsonObject { ["domid"] = 0, ["config"] = Dom0Config(host) });
        entries.AddRange(domains.Select(d => (JsonNode)new JsonObject
        {
            ["domid"] = DomainArgs.Id(d),
            ["config"] = d["config"]!.DeepClone(),
        }));
        var array = new JsonArray([.. entries]);
        o.Write(array.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 4,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n");
    }
}
