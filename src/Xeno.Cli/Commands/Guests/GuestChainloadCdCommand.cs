using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// `xl guest-chainload-cd [--out FILE]` (Xeno's own): builds (or finds cached) the GRUB
/// chain-load CD and prints its path. An hvm config boots a guest disk without a BIOS
/// bootloader from it: the CD as a cdrom with boot="d", the guest's disk as hda; the CD's GRUB
/// reads the guest's own grub.cfg or menu.lst with the serial console on. xenod builds and
/// caches the CD (POST /v1/guests/chainload-cd); xl prints its path or copies it. See docs/guests.md.
/// </summary>
public static class GuestChainloadCdCommand
{

    public static readonly XlCommand Definition = new(
        "guest-chainload-cd", Run, Modifies: false, CanDryRun: false,
        "Build the GRUB chain-load CD that boots a guest disk's own GRUB config as hvm (Xeno)",
        "[options]",
        "-h                      Print this help.\n" +
        "-o FILE, --out=FILE     Copy the CD to FILE (default: print the cached CD's path).");

    private static readonly Getopt Options = new("ho:",
    [
        new LongOption("out", true, 'o'),
        new LongOption("help", false, 'h'),
    ]);

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = Options.Parse(args, out var bad);
        if (bad is { } badOption)
        {
            if (badOption == 'h') return XlHelp.PrintCommandHelp(ctx, Definition);
            ctx.Err.Write($"option `{badOption}' not supported.\n");
            return 2;
        }
        string? output = null;
        foreach (var (opt, arg) in parsed.Options)
        {
            switch (opt)
            {
                case 'h': return XlHelp.PrintCommandHelp(ctx, Definition);
                case 'o': output = arg; break;
            }
        }
        if (parsed.Operands.Count != 0)
        {
            XlHelp.PrintCommandHelp(ctx, Definition);
            return 2;
        }
        string iso;
        try
        {
            using var client = DomainArgs.Client(ctx);
            iso = client.BuildChainloadCdAsync().Sync().Path;
        }
        catch (XenodException e)
        {
            ctx.Err.Write(e.Kind == ApiErrorKind.Unreachable ? e.Message + "\n" : $"guest-chainload-cd: {e.Message}\n");
            return 1;
        }
        if (output is null)
        {
            ctx.Out.Write(iso + "\n");
            return 0;
        }
        try
        {
            var full = Path.GetFullPath(output);
            var temp = full + ".partial";
            File.Copy(iso, temp, overwrite: true);
            File.Move(temp, full, overwrite: true);
            ctx.Out.Write(full + "\n");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.Write($"guest-chainload-cd: {e.Message}\n");
            return 1;
        }
    }
}
