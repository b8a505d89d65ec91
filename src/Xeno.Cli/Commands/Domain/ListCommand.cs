using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Xeno.Api.Contracts;

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
            var chosen = new List<DomainInfo>();
            bool includeHost = parsed.Operands.Count == 0;
            foreach (var arg in parsed.Operands)
            {
                if (arg == "0" || arg == "Domain-0") { includeHost = true; continue; }
                var d = all.FirstOrDefault(x => x.Name == arg || x.Domid.ToString(CultureInfo.InvariantCulture) == arg);
                if (d is null)
                {
                    ctx.Err.Write(arg.All(char.IsAsciiDigit) ? $"Error getting domain info\n" : $"{arg} is an invalid domain identifier (rc=-6)\n");
                    return 1;
                }
                chosen.Add(d);
            }
            if (parsed.Operands.Count == 0)
                chosen.AddRange(all);

            var host = includeHost || numa ? client.GetHostAsync().Sync() : null;
            if (details)
            {
                if (ctx.Global.OutputFormat == "sxp")
                    SxpDomainText.Write(ctx.Out, includeHost ? Dom0Config(host!) : null, chosen);
                else
                    WriteLong(ctx.Out, includeHost ? host : null, chosen);
                return 0;
            }
            var nodes = numa ? NodeAffinity.HostNodes(host!) : null;
            // The table goes out in one write: xl's stdout flushes on every Write (a write(2) each,
            // three per row).
            var table = new StringWriter(CultureInfo.InvariantCulture);
            table.Write(Header);
            if (verbose) table.Write("   UUID                            Reason-Code\tSecurity Label");
            else if (context) table.Write("   Security Label");
            if (cpupool) table.Write("         Cpupool");
            if (numa) table.Write(" NODE Affinity");
            table.Write("\n");
            if (includeHost)
            {
                Row(table, "Domain-0", 0, host!.Dom0MemoryMib, host.NrCpus, "r-----", host.HostCpuSeconds);
                Tail(table, verbose, context, "00000000-0000-0000-0000-000000000000", null, cpupool,
                    nodes is null ? null : NodeAffinity.Format(Enumerable.Range(0, nodes.Count).ToHashSet(), nodes.Count));
            }
            foreach (var d in chosen)
            {
                Row(table, d.Name, d.Domid, d.MemoryMib, d.Vcpus, d.State, d.CpuTime);
                Tail(table, verbose, context, d.Uuid.ToString("D"), d.ShutdownReason, cpupool,
                    nodes is null ? null : NodeAffinity.Format(NodeAffinity.OfDomain(d, nodes), nodes.Count));
            }
            ctx.Out.Write(table.ToString());
            return 0;
        });
    }

    /// <summary>The few facts a host has as a domain: name, type, memory (what xl list's Domain-0 row shows), vCPUs.</summary>
    private static void WriteDom0Config(Utf8JsonWriter w, HostInfo host)
    {
        w.WriteStartObject();
        w.WriteString("name", "Domain-0");
        w.WriteString("type", "pv");
        w.WriteString("uuid", "00000000-0000-0000-0000-000000000000");
        w.WriteNumber("memory", host.Dom0MemoryMib);
        w.WriteNumber("maxmem", host.Dom0MemoryMib);
        w.WriteNumber("vcpus", host.NrCpus);
        w.WriteNumber("maxvcpus", host.NrCpus);
        w.WriteEndObject();
    }

    private static JsonElement Dom0Config(HostInfo host)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
            WriteDom0Config(w, host);
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
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
    internal static void WriteLong(TextWriter o, HostInfo? host, List<DomainInfo> domains)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions
               {
                   Indented = true,
                   IndentSize = 4,
                   Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
               }))
        {
            w.WriteStartArray();
            if (host is not null)
            {
                w.WriteStartObject();
                w.WriteNumber("domid", 0);
                w.WritePropertyName("config");
                WriteDom0Config(w, host);
                w.WriteEndObject();
            }
            foreach (var d in domains)
            {
                w.WriteStartObject();
                w.WriteNumber("domid", d.Domid);
                w.WritePropertyName("config");
                d.Config.WriteTo(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        o.Write(Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n");
    }
}
