using System.Globalization;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Hosting;
using Xeno.Config.Specs;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl vcpu-pin [-f] [--ignore-global-affinity-masks] &lt;Domain&gt; &lt;VCPU|all&gt; &lt;hard|-|all&gt; [soft|-|all]`:
/// CPU lists read as xl reads cpus=; "-" leaves an affinity unchanged. -N prints the cpumaps only.
/// </summary>
public static class VcpuPinCommand
{
    public static readonly XlCommand Definition = new(
        "vcpu-pin", Run, Modifies: true, CanDryRun: true,
        "Set which CPUs a VCPU can use",
        "[option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>",
        "-f, --force        undo an override pinning done by the kernel\n" +
        "--ignore-global-affinity-masks Ignore global masks in xl.conf");

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Definition, "fi",
            [new("force", false, 'f'), new("ignore-global-affinity-masks", false, 'i')], args, 3, out var exit);
        if (p is null) return exit;
        bool force = p.Options.Any(o => o.Option == 'f');
        string dom = p.Operands[0], vcpuText = p.Operands[1], hardText = p.Operands[2];
        string? softText = p.Operands.Count > 3 ? p.Operands[3] : null;

        int? vcpu = null;
        if (vcpuText != "all")
        {
            // strtoul: leading digits count; none at all, or more than INT_MAX, is an error.
            int digits = 0;
            while (digits < vcpuText.Length && char.IsAsciiDigit(vcpuText[digits])) digits++;
            if (digits == 0 || !int.TryParse(vcpuText.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                ctx.Err.Write($"Error: Invalid argument {vcpuText} as VCPU.\n");
                return 1;
            }
            vcpu = n;
        }
        if (force && vcpu is null)
        {
            ctx.Err.Write("Error: --force and 'all' as VCPU not allowed.\n");
            return 1;
        }

        var host = XenoHost.ReadCpuTopology();
        if (!TryParse(ctx, hardText, host, out var hard) || !TryParse(ctx, softText, host, out var soft))
            return 1;

        if (ctx.DryRun)
        {
            ctx.Out.Write("cpumap: " + Format(hard, host.CpuCount) + (soft is null ? "" : " " + Format(soft, host.CpuCount)) + "\n");
            return 0;
        }
        return DomainArgs.Guard(ctx, client =>
        {
            var domain = client.GetDomainAsync(dom).Sync();
            int domid = domain.Domid;
            try
            {
                client.PinVcpuAsync(DomainArgs.Dom(domid), new VcpuPinRequest
                {
                    Vcpu = vcpu,
                    Hard = hard is null ? null : [.. hard],
                    Soft = soft is null ? null : [.. soft],
                }).Sync();
                // libxl's warning per vCPU whose new soft affinity reaches no CPU (an unchanged hard
                // affinity counts as every CPU here).
                if (soft is not null && SoftAffinityWarnings.Unreachable(soft, hard, host.CpuCount))
                {
                    foreach (int v in vcpu is { } one ? [one] : Enumerable.Range(0, domain.Maxvcpus))
                        ctx.Err.Write(SoftAffinityWarnings.Line(domid, v));
                }
                return 0;
            }
            catch (XenodException e) when (e.Kind == ApiErrorKind.Invalid)
            {
                ctx.Err.Write($"libxl: error: Domain {domid}:{e.Message}\n");
                ctx.Err.Write(vcpu is { } v ? $"Could not set affinity for vcpu `{v}'.\n" : "Could not set affinity.\n");
                return 1;
            }
        });
    }

    /// <summary>"-" (or no soft argument) is null: leave as is.</summary>
    private static bool TryParse(XlContext ctx, string? text, HostCpuTopology host, out IReadOnlySet<int>? cpus)
    {
        cpus = null;
        if (text is null || text == "-")
            return true;
        var r = CpuList.Parse(text, host);
        if (!r.Ok)
        {
            foreach (var e in r.Errors) ctx.Err.Write(e + "\n");
            return false;
        }
        cpus = r.Value;
        return true;
    }

    /// <summary>xl's print_bitmap over the host's CPUs: "all", "none" or ranges.</summary>
    internal static string Format(IReadOnlySet<int>? cpus, int hostCpus)
    {
        if (cpus is null) return "-";
        if (cpus.Count == 0) return "none";
        if (Enumerable.Range(0, hostCpus).All(cpus.Contains)) return "all";
        return Xeno.Config.Domain.CpuRanges.Format(cpus);
    }
}
