using System.Globalization;
using Xeno.Api.Client;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Commands.Runtime;

/// <summary>
/// `xl trigger`, `xl sysrq`, `xl dump-core`, `xl debug-keys`, with xl's argument handling and
/// messages. As in xl, trigger and sysrq end with status 0 even when the platform refuses
/// (libxl only logs it); dump-core's failure is "core dump failed (rc=-3)".
/// </summary>
public static class ControlCommands
{
    public static readonly XlCommand Trigger = new(
        "trigger", RunTrigger, Modifies: true, CanDryRun: false, "Send a trigger to a domain",
        "<Domain> <nmi|reset|init|power|sleep|s3resume> [<VCPU>]", null);

    public static readonly XlCommand Sysrq = new(
        "sysrq", RunSysrq, Modifies: true, CanDryRun: false, "Send a sysrq to a domain", "<Domain> <letter>", null);

    public static readonly XlCommand DumpCore = new(
        "dump-core", RunDumpCore, Modifies: true, CanDryRun: false, "Core dump a domain", "<Domain> <filename>", null);

    public static readonly XlCommand DebugKeys = new(
        "debug-keys", RunDebugKeys, Modifies: true, CanDryRun: false, "Send debug keys to Xen", "<Keys>", null);

    /// <summary>libxl_trigger's names.</summary>
    public static readonly IReadOnlyList<string> TriggerNames = ["power", "sleep", "nmi", "init", "reset", "s3resume"];

    private static int RunTrigger(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Trigger, "", [], args, 2, out var exit);
        if (p is null) return exit;
        string dom = p.Operands[0], name = p.Operands[1];
        return DomainArgs.Guard(ctx, client =>
        {
            var d = client.GetDomainAsync(dom).Sync();
            if (!TriggerNames.Contains(name))
            {
                ctx.Err.Write($"Invalid trigger \"{name}\"\n");
                return 1;
            }
            int vcpu = 0;
            if (p.Operands.Count > 2)
            {
                var text = p.Operands[2];
                var digits = text.TakeWhile((c, i) => char.IsAsciiDigit(c) || (i == 0 && c is '-' or '+')).Count();
                if (!int.TryParse(text.AsSpan(0, digits), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out vcpu))
                    vcpu = 0;
                if (vcpu == 0 && !text.Any(char.IsAsciiDigit))
                    ctx.Err.Write("Invalid vcpuid, using default vcpuid=0.\n\n");
            }
            try
            {
                client.TriggerAsync(DomainArgs.Dom(d.Domid), name, vcpu).Sync();
            }
            catch (XenodException e)
            {
                ctx.Err.Write($"libxl: error: Domain {d.Domid}:{e.Message}\n");
            }
            return 0;
        });
    }

    private static int RunSysrq(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Sysrq, "", [], args, 2, out var exit);
        if (p is null) return exit;
        string dom = p.Operands[0], key = p.Operands[1];
        return DomainArgs.Guard(ctx, client =>
        {
            var d = client.GetDomainAsync(dom).Sync();
            if (key.Length != 1)
            {
                ctx.Err.Write("Invalid sysrq.\n\n");
                XlHelp.PrintCommand(ctx.Out, Sysrq);
                return 1;
            }
            try
            {
                client.SysrqAsync(DomainArgs.Dom(d.Domid), key).Sync();
            }
            catch (XenodException e)
            {
                ctx.Err.Write($"libxl: error: Domain {d.Domid}:{e.Message}\n");
            }
            return 0;
        });
    }

    private static int RunDumpCore(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, DumpCore, "", [], args, 2, out var exit);
        if (p is null) return exit;
        string dom = p.Operands[0];
        // xenod writes the file: a path relative to where xl runs is made absolute here.
        string file = Path.GetFullPath(p.Operands[1]);
        return DomainArgs.Guard(ctx, client =>
        {
            var d = client.GetDomainAsync(dom).Sync();
            try
            {
                client.DumpCoreAsync(DomainArgs.Dom(d.Domid), file).Sync();
                return 0;
            }
            catch (XenodException e)
            {
                ctx.Err.Write($"libxl: error: Domain {d.Domid}:{e.Message}\n");
                ctx.Err.Write("core dump failed (rc=-3)\n");
                return 1;
            }
        });
    }

    /// <summary>
    /// Debug keys go to the hypervisor's keyhandlers; Xeno has no hypervisor (guests are QEMU
    /// processes), so there is nothing to send them to. Refused, naming where the host's
    /// equivalents are: xl dmesg (xenod's log), xl list/vcpu-list/info.
    /// </summary>
    private static int RunDebugKeys(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, DebugKeys, "", [], args, 1, out var exit);
        if (p is null) return exit;
        ctx.Err.Write("debug-keys: Xeno runs guests under QEMU, without a hypervisor to take debug keys; " +
                      "xenod's log is `xl dmesg`, domain and vCPU state `xl list -l`, `xl vcpu-list`, `xl info`\n");
        return 1;
    }
}
