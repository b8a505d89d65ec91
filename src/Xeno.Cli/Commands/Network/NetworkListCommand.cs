using System.Globalization;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Commands.Network;

/// <summary>`xl network-list &lt;Domain(s)&gt;`, as Xen 4.17's main_networklist.</summary>
public static class NetworkListCommand
{
    public static readonly XlCommand Definition = new(
        "network-list", Run, Modifies: false, CanDryRun: false,
        "List virtual network interfaces for a domain", "<Domain(s)>", null);

    /// <summary>xl's header, trailing spaces included ("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s").</summary>
    public const string Header = "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n";

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Definition, "", [], args, 1, out var exit);
        if (p is null) return exit;
        ctx.Out.Write(Header);
        return DomainArgs.Guard(ctx, client =>
        {
            // Each domain is looked up in turn: an unknown one ends xl after the rows before it.
            foreach (var dom in p.Operands)
            {
                foreach (var nic in client.ListNicsAsync(dom).Sync())
                    ctx.Out.Write(Row(nic));
                ctx.Out.Flush();
            }
            return 0;
        });
    }

    /// <summary>"%-3d %-2d " + MAC + "%6d %5d %6d %5d/%-11d %-30s\n".</summary>
    public static string Row(NicInfo n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return string.Create(CultureInfo.InvariantCulture,
            $"{n.Devid,-3} {n.BackendId,-2} {n.Mac}{n.Devid,6} {n.State,5} {n.EventChannel,6} {n.TxRingRef,5}/{n.RxRingRef,-11} {n.BackendPath,-30}\n");
    }
}
