using Xeno.Api.Client;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl shutdown` and `xl reboot` [-a] [-w] [-F] &lt;Domain&gt;: ask the guest (through its agent, the
/// PV control interface), with -F fall back to ACPI; -w waits (once: shutdown or death; twice: death).
/// Messages and exit codes as xl's (ERROR_NOPARAVIRT = -10).
/// </summary>
public static class ShutdownCommand
{
    public static readonly XlCommand Shutdown = new(
        "shutdown", (c, a) => Run(c, a, reboot: false), Modifies: true, CanDryRun: false,
        "Issue a shutdown signal to a domain",
        "[options] <-a|Domain>",
        "-a, --all               Shutdown all guest domains.\n" +
        "-h                      Print this help.\n" +
        "-F                      Fallback to ACPI power event for HVM guests with\n" +
        "                        no PV drivers.\n" +
        "-w, --wait              Wait for guest(s) to shutdown.\n");

    public static readonly XlCommand Reboot = new(
        "reboot", (c, a) => Run(c, a, reboot: true), Modifies: true, CanDryRun: false,
        "Issue a reboot signal to a domain",
        "[options] <-a|Domain>",
        "-a, --all               Shutdown all guest domains.\n" +
        "-h                      Print this help.\n" +
        "-F                      Fallback to ACPI reset event for HVM guests with\n" +
        "                        no PV drivers.\n" +
        "-w, --wait              Wait for guest(s) to reboot.\n");

    /// <summary>How often -w asks xenod; tests may shorten it.</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    private static int Run(XlContext ctx, IReadOnlyList<string> args, bool reboot)
    {
        var def = reboot ? Reboot : Shutdown;
        var parsed = DomainArgs.Parse(ctx, def, "awF", [new("all", false, 'a'), new("wait", false, 'w')], args, 0, out var exit);
        if (parsed is null) return exit;
        bool all = parsed.Options.Any(o => o.Option == 'a');
        int waits = parsed.Options.Count(o => o.Option == 'w');
        bool fallback = parsed.Options.Any(o => o.Option == 'F');
        if (!all && parsed.Operands.Count != 1)
        {
            XlHelp.PrintCommand(ctx.Out, def);
            return 2;
        }

        return DomainArgs.Guard(ctx, client =>
        {
            var targets = new List<int>();
            if (all)
            {
                targets.AddRange(DomainArgs.Domains(client).Select(d => d.Domid));
            }
            else
            {
                var dom = parsed.Operands[0];
                if (Dom0Requests.Names(dom))
                {
                    ctx.Err.Write((reboot ? "Rebooting domain 0\n" : "Shutting down domain 0\n") + Dom0Requests.ShutdownRefused(reboot));
                    return 1;
                }
                if (!dom.All(char.IsAsciiDigit))
                    dom = DomainArgs.Dom(client.GetDomainAsync(dom).Sync().Domid);
                targets.Add(int.Parse(dom, System.Globalization.CultureInfo.InvariantCulture));
            }
            foreach (var domid in targets)
            {
                ctx.Err.Write(reboot ? $"Rebooting domain {domid}\n" : $"Shutting down domain {domid}\n");
                try
                {
                    var method = client.ShutdownAsync(DomainArgs.Dom(domid), reboot, new ShutdownRequest { AcpiFallback = fallback }).Sync();
                    if (method == ShutdownMethod.Acpi)
                        ctx.Err.Write(reboot ? "PV control interface not available: sending ACPI reset button event.\n"
                                             : "PV control interface not available: sending ACPI power button event.\n");
                }
                catch (XenodException e) when (e.Kind == ApiErrorKind.NoParavirt)
                {
                    ctx.Err.Write(reboot
                        ? "PV control interface not available: external graceful reboot not possible.\nUse \"-F\" to fallback to ACPI reset event.\n"
                        : "PV control interface not available: external graceful shutdown not possible.\nUse \"-F\" to fallback to ACPI power event.\n");
                    ctx.Err.Write($"{(reboot ? "reboot" : "shutdown")} failed (rc=-10)\n");
                    return 1;
                }
                catch (XenodException e) when (e.Kind != ApiErrorKind.Unreachable)
                {
                    ctx.Err.Write($"libxl: error: {e.Message}\n{(reboot ? "reboot" : "shutdown")} failed (rc=-3)\n");
                    return 1;
                }
            }
            if (waits > 0)
                WaitForDeaths(ctx, client, targets, deathOnly: waits > 1);
            return 0;
        });
    }

    private static void WaitForDeaths(XlContext ctx, XenodClient client, List<int> domids, bool deathOnly)
    {
        ctx.Err.Write($"Waiting for {domids.Count} domains\n");
        var pending = new HashSet<int>(domids);
        while (pending.Count > 0)
        {
            var now = DomainArgs.Domains(client).ToDictionary(d => d.Domid);
            foreach (var id in pending.ToList())
            {
                if (!now.TryGetValue(id, out var d))
                {
                    ctx.Err.Write($"Domain {id} has been destroyed\n");
                    pending.Remove(id);
                }
                else if (!deathOnly && d.ShutdownReason is { } reason)
                {
                    ctx.Err.Write($"Domain {id} has been shut down, reason code {reason}\n");
                    pending.Remove(id);
                }
            }
            if (pending.Count > 0)
                Thread.Sleep(PollInterval);
        }
    }
}
