using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Domain;

/// <summary>`xl mem-set` and `xl mem-max`: a size as xl's parse_mem_size_kb reads it, sent to xenod.</summary>
public static class MemoryCommands
{
    private const string SizeUsage = "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>";

    public static readonly XlCommand MemSet = new(
        "mem-set", (c, a) => Run(c, a, MemSetDef(), max: false, "dynamic"), Modifies: true, CanDryRun: false,
        "Set the current memory usage for a domain", SizeUsage, null);

    public static readonly XlCommand MemMax = new(
        "mem-max", (c, a) => Run(c, a, MemMaxDef(), max: true, "static"), Modifies: true, CanDryRun: false,
        "Set the maximum amount reservation for a domain", SizeUsage, null);

    private static XlCommand MemSetDef() => MemSet;
    private static XlCommand MemMaxDef() => MemMax;

    private static int Run(XlContext ctx, IReadOnlyList<string> args, XlCommand def, bool max, string which)
    {
        var p = DomainArgs.Parse(ctx, def, "", [], args, 2, out var exit);
        if (p is null) return exit;
        string dom = p.Operands[0], mem = p.Operands[1];
        return DomainArgs.Guard(ctx, client =>
        {
            // xl finds the domain first (find_domain), then reads the size.
            int domid = client.GetDomainAsync(dom).Sync().Domid;
            if (!MemorySize.TryParseKb(mem, out long kb))
            {
                ctx.Err.Write(MemorySize.InvalidMessage(mem) + "\n");
                return 1;
            }
            try
            {
                (max ? client.SetMemoryMaxAsync(DomainArgs.Dom(domid), kb) : client.SetMemoryTargetAsync(DomainArgs.Dom(domid), kb)).Sync();
                return 0;
            }
            catch (XenodException e) when (e.Kind == ApiErrorKind.Invalid)
            {
                ctx.Err.Write($"libxl: error: Domain {domid}:{e.Message}\n");
                ctx.Err.Write($"cannot set domid {domid} {which} max memory to : {mem}\n");
                return 1;
            }
        });
    }
}
