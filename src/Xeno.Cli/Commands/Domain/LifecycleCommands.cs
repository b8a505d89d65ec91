using Xeno.Api.Client;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Domain;

/// <summary>`xl destroy`, `pause`, `unpause`, `rename`: one request each, silent on success as in Xen.</summary>
public static class LifecycleCommands
{
    public static readonly XlCommand Destroy = new(
        "destroy", RunDestroy, Modifies: true, CanDryRun: false,
        "Terminate a domain immediately",
        "[options] <Domain>.\n",
        "-f                      Permit destroying domain 0, which will only succeed\n" +
        "                        when run from disaggregated toolstack domain with a\n" +
        "                        hardware domain distinct from domain 0.");

    public static readonly XlCommand Pause = new(
        "pause", (c, a) => RunSimple(c, a, PauseDef(), pause: true), Modifies: true, CanDryRun: false,
        "Pause execution of a domain", "<Domain>", null);

    public static readonly XlCommand Unpause = new(
        "unpause", (c, a) => RunSimple(c, a, UnpauseDef(), pause: false), Modifies: true, CanDryRun: false,
        "Unpause a paused domain", "<Domain>", null);

    public static readonly XlCommand Rename = new(
        "rename", RunRename, Modifies: true, CanDryRun: false,
        "Rename a domain", "<Domain> <NewDomainName>", null);

    private static XlCommand PauseDef() => Pause;
    private static XlCommand UnpauseDef() => Unpause;

    private static int RunDestroy(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, Destroy, "f", [], args, 1, out var exit);
        if (parsed is null) return exit;
        bool force = ctx.Force || parsed.Options.Any(o => o.Option == 'f');
        var dom = parsed.Operands[0];
        if (Dom0Requests.Names(dom) && !force)
        {
            ctx.Err.Write("Not destroying domain 0; use -f to force.\n" +
                          "This can only be done when using a disaggregated hardware domain and toolstack.\n\n");
            return 1;
        }
        if (Dom0Requests.Names(dom))
        {
            ctx.Err.Write("destroy failed (rc=-3)\n");
            return 1;
        }
        return DomainArgs.Guard(ctx, client =>
        {
            try
            {
                client.DestroyAsync(dom).Sync();
                return 0;
            }
            catch (XenodException e) when (e.Kind != ApiErrorKind.Unreachable && dom.All(char.IsAsciiDigit))
            {
                ctx.Err.Write($"libxl: error: Domain {dom}:Non-existant domain\ndestroy failed (rc=-21)\n");
                return 1;
            }
        });
    }

    private static int RunSimple(XlContext ctx, IReadOnlyList<string> args, XlCommand def, bool pause)
    {
        var parsed = DomainArgs.Parse(ctx, def, "", [], args, 1, out var exit);
        if (parsed is null) return exit;
        if (Dom0Requests.Names(parsed.Operands[0]))
        {
            // xl pause/unpause ignore libxl's failure: exit 0 with the error printed.
            ctx.Err.Write(pause ? Dom0Requests.PauseRefused : Dom0Requests.UnpauseRefused);
            return 0;
        }
        return DomainArgs.Guard(ctx, client =>
        {
            (pause ? client.PauseAsync(parsed.Operands[0]) : client.UnpauseAsync(parsed.Operands[0])).Sync();
            return 0;
        });
    }

    private static int RunRename(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = DomainArgs.Parse(ctx, Rename, "", [], args, 2, out var exit);
        if (parsed is null) return exit;
        if (Dom0Requests.Names(parsed.Operands[0]))
        {
            ctx.Err.Write(Dom0Requests.RenameRefused(parsed.Operands[0]));
            return 1;
        }
        return DomainArgs.Guard(ctx, client =>
        {
            client.RenameAsync(parsed.Operands[0], parsed.Operands[1]).Sync();
            return 0;
        });
    }
}
