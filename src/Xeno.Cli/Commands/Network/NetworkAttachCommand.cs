using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Network;

/// <summary>`xl network-attach &lt;Domain&gt; [key=value]...`, as Xen 4.17's main_networkattach.</summary>
public static class NetworkAttachCommand
{
    public static readonly XlCommand Definition = new(
        "network-attach", Run, Modifies: true, CanDryRun: true,
        "Create a new virtual network device",
        "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] [backend=<BackDomain>] " +
        "[vifname=<name>] [rate=<rate>] [model=<model>] [accel=<accel>] [mtu=<mtu>]",
        null);

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Definition, "", [], args, 1, out var exit);
        if (p is null) return exit;
        return DomainArgs.Guard(ctx, client =>
        {
            // xl finds the domain first (find_domain), then reads the NIC's settings.
            client.GetDomainAsync(p.Operands[0]).Sync();
            var spec = VifSpecParser.ParseArguments([.. p.Operands.Skip(1)]);
            foreach (var w in spec.Warnings) ctx.Err.Write(w + "\n");
            if (!spec.Ok)
            {
                foreach (var e in spec.Errors) ctx.Err.Write(e + "\n");
                return 1;
            }
            var nic = spec.Value!;
            // set_default_nic_values: xl.conf's vif.default.* come first, the arguments override them.
            string? bridge = nic.Bridge ?? ctx.Global.VifBridge;
            string? script = nic.Script ?? ctx.Global.VifScript;
            if (ctx.DryRun)
            {
                ctx.Out.Write("vif: " + NicJson.Of(nic, bridge, script) + "\n");
                return 0;
            }
            try
            {
                client.AttachNicAsync(p.Operands[0], new NicAttachRequest
                {
                    Settings = [.. p.Operands.Skip(1)],
                    DefaultBridge = ctx.Global.VifBridge,
                    DefaultScript = ctx.Global.VifScript,
                    DefaultGatewayDev = ctx.Global.VifGatewayDev,
                    DefaultBackend = ctx.Global.VifBackend,
                }).Sync();
                return 0;
            }
            catch (XenodException e) when (e.Kind != ApiErrorKind.Unreachable)
            {
                ctx.Err.Write(e.Message + "\nlibxl_device_nic_add failed.\n");
                return 1;
            }
        });
    }
}
