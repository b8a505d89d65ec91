using System.Globalization;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Commands.Runtime;

/// <summary>
/// `xl vcpu-set [-i] <Domain> <vCPUs>`: the number of online vCPUs, by CPU hot-plug within
/// maxvcpus. As xl: the domain is found first, the count is read with strtoul, more vCPUs than
/// the host has CPUs (and than are online now) is refused unless -i, and libxl's refusals
/// (0, above maxvcpus) are printed with xl's follow-up line.
/// </summary>
public static class VcpuSetCommand
{
    public static readonly XlCommand Definition = new(
        "vcpu-set", Run, Modifies: true, CanDryRun: false, "Set the number of active VCPUs allowed for the domain",
        "[option] <Domain> <vCPUs>", "-i, --ignore-host  Don't limit the vCPU based on the host CPU count");

    /// <summary>libxl's ERROR_FAIL, which xl prints as the rc.</summary>
    private const int ErrorFail = -3;

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var p = DomainArgs.Parse(ctx, Definition, "i", [new("ignore-host", false, 'i')], args, 2, out var exit);
        if (p is null) return exit;
        bool checkHost = !p.Options.Any(o => o.Option == 'i');
        string dom = p.Operands[0], text = p.Operands[1];
        return DomainArgs.Guard(ctx, client =>
        {
            var d = client.GetDomainAsync(dom).Sync();
            if (ParseCount(text) is not { } count)
            {
                ctx.Err.Write("Error: Invalid argument.\n");
                return 1;
            }
            if (checkHost)
            {
                int hostCpus = client.GetHostAsync().Sync().MaxCpuId + 1;
                if (count > (uint)d.Vcpus && count > (uint)hostCpus)
                {
                    ctx.Err.Write(string.Create(CultureInfo.InvariantCulture,
                        $"You are overcommmitting! You have {hostCpus} physical CPUs and want {(int)count} vCPUs! Aborting, use --ignore-host to continue\n"));
                    return 1;
                }
            }
            try
            {
                client.SetVcpusAsync(DomainArgs.Dom(d.Domid), count > int.MaxValue ? -1 : (int)count).Sync();
                return 0;
            }
            catch (XenodException e) when (e.Kind == ApiErrorKind.Invalid)
            {
                ctx.Err.Write($"libxl: error: Domain {d.Domid}:{e.Message}\n");
                ctx.Err.Write(string.Create(CultureInfo.InvariantCulture,
                    $"libxl_set_vcpuonline failed domid={d.Domid} max_vcpus={(int)count}, rc: {ErrorFail}\n"));
                return 1;
            }
        });
    }

    /// <summary>strtoul into an unsigned int: leading blanks, a sign, digits; null when no digit is read.</summary>
    internal static uint? ParseCount(string text)
    {
        int i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-') negative = text[i++] == '-';
        int start = i;
        ulong n = 0;
        bool overflow = false;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            ulong next = n * 10 + (ulong)(text[i++] - '0');
            if (next / 10 != n && n != 0) overflow = true;
            n = next;
        }
        if (i == start) return null;
        if (overflow) n = ulong.MaxValue; // strtoul saturates at ULONG_MAX
        if (negative) n = unchecked(0UL - n);
        return unchecked((uint)n);
    }
}
