using Xeno.Api.Client;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Domain;

/// <summary>Shared pieces of the domain commands: option parsing with xl's usage errors, domain lookup.</summary>
internal static class DomainArgs
{
    /// <summary>
    /// Parses options as xl's SWITCH_FOREACH_OPT does: -h prints the usage (exit 0), an unknown
    /// option "option `x' not supported." (exit 2), too few operands "'xl cmd' requires at least N
    /// argument(s)." plus the usage (exit 2). Returns null with <paramref name="exit"/> set then.
    /// </summary>
    public static Getopt.Parsed? Parse(XlContext ctx, XlCommand command, string shortSpec, IReadOnlyList<LongOption> longs,
        IReadOnlyList<string> args, int required, out int exit)
    {
        exit = 0;
        var parsed = new Getopt("h" + shortSpec, [.. longs, new LongOption("help", false, 'h')]).Parse(args, out var bad);
        if (bad is { } b)
        {
            if (b == 'h') { exit = XlHelp.PrintCommandHelp(ctx, command); return null; }
            ctx.Err.Write($"option `{b}' not supported.\n");
            exit = 2;
            return null;
        }
        if (parsed.Options.Any(o => o.Option == 'h'))
        {
            exit = XlHelp.PrintCommandHelp(ctx, command);
            return null;
        }
        if (parsed.Operands.Count < required)
        {
            ctx.Err.Write($"'xl {command.Name}' requires at least {required} argument{(required == 1 ? "" : "s")}.\n\n");
            XlHelp.PrintCommand(ctx.Out, command);
            exit = 2;
            return null;
        }
        return parsed;
    }

    /// <summary>Runs a command body; xenod's errors are printed and end in exit status 1.</summary>
    public static int Guard(XlContext ctx, Func<XenodClient, int> body)
    {
        using var client = Client(ctx);
        try
        {
            return body(client);
        }
        catch (XenodException e)
        {
            ctx.Err.Write(e.Message + "\n");
            return 1;
        }
    }

    /// <summary>The typed client of this prefix's xenod.</summary>
    public static XenodClient Client(XlContext ctx) => new(ctx.Host.DaemonSocket, ctx.Host.Prefix);

    public static IReadOnlyList<DomainInfo> Domains(XenodClient client) => client.ListDomainsAsync().Sync();

    /// <summary>A domid as a {dom} argument.</summary>
    public static string Dom(int domid) => domid.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>xl's commands are synchronous: they block on the client's calls (no synchronization context to deadlock on).</summary>
internal static class TaskSync
{
    public static T Sync<T>(this Task<T> task) => task.GetAwaiter().GetResult();

    public static void Sync(this Task task) => task.GetAwaiter().GetResult();
}
