using System.Globalization;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// `xl guest-convert [options] DISK pv|hvm` (Xeno's own; Xen has none): prepares the Linux system
/// on a stopped guest's disk for the other boot type, as a client of xenod (POST
/// /v1/guests/convert, the web console's PV/HVM switch runs the same): xenod plans the changes
/// with Xeno.Boot's ConversionPlanner and makes them inside a helper guest with the disk
/// attached, which regenerates GRUB's config and, with -B, installs GRUB in the MBR with the
/// guest's own tools. xl prints the helper's steps as they come. See docs/guests.md.
/// </summary>
public static class GuestConvertCommand
{
    public static readonly XlCommand Definition = new(
        "guest-convert", Run, Modifies: true, CanDryRun: true,
        "Prepare a stopped guest's Linux disk for booting as pv or hvm (Xeno)",
        "[options] <Disk> <pv|hvm>",
        "-n, --dry-run              Print the plan and the diff, change nothing.\n" +
        "-B, --install-bootloader   hvm: also install GRUB for BIOS in the disk's MBR\n" +
        "                           (the guest's own grub-install), so it boots without\n" +
        "                           the chain-load CD.\n" +
        "-b DIR, --backup=DIR       Also keep copies of the texts before and after and\n" +
        "                           the diff in DIR on the host (the backup and its\n" +
        "                           restore script are always on the guest's disk).\n" +
        "-k FILE, --kernel=FILE     The helper's kernel (default: <prefix>/" + GuestRescueCommand.DefaultDir + "/vmlinuz).\n" +
        "-r FILE, --ramdisk=FILE    The helper's rescue initramfs (default: <prefix>/" + GuestRescueCommand.DefaultDir + "/initrd.img).\n" +
        "--timeout=SECONDS          Give the helper guest this long (default 900).");

    private const string ShortOptions = "nBb:k:r:T:";

    private static readonly LongOption[] LongOptions =
    [
        new LongOption("dry-run", false, 'n'),
        new LongOption("install-bootloader", false, 'B'),
        new LongOption("backup", true, 'b'),
        new LongOption("kernel", true, 'k'),
        new LongOption("ramdisk", true, 'r'),
        new LongOption("timeout", true, 'T'),
    ];

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        if (DomainArgs.Parse(ctx, Definition, ShortOptions, LongOptions, args, required: 0, out int exit) is not { } parsed)
            return exit;
        bool dryRun = ctx.DryRun, bootloader = false;
        string? backup = null, timeout = null;
        string? kernel = null, ramdisk = null; // xenod's defaults under its prefix
        foreach (var (opt, arg) in parsed.Options)
        {
            switch (opt)
            {
                case 'n': dryRun = true; break;
                case 'B': bootloader = true; break;
                case 'b': backup = arg; break;
                case 'k': kernel = arg!; break;
                case 'r': ramdisk = arg!; break;
                case 'T': timeout = arg; break;
            }
        }
        if (parsed.Operands.Count != 2)
        {
            XlHelp.PrintCommandHelp(ctx, Definition);
            return 2;
        }
        var disk = parsed.Operands[0];
        string target; // the type the planner and xenod name it by (pvh boots as pv does)
        switch (parsed.Operands[1])
        {
            case "pv": case "pvh": target = "pv"; break;
            case "hvm": target = "hvm"; break;
            default:
                ctx.Err.Write($"guest-convert: unknown guest type '{parsed.Operands[1]}' (pv, pvh or hvm)\n");
                return 2;
        }
        int? seconds = null;
        if (timeout is not null)
        {
            if (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t < 1)
            {
                ctx.Err.Write($"guest-convert: --timeout '{timeout}' is not a whole number of seconds\n");
                return 2;
            }
            seconds = t;
        }
        var request = new GuestConvertRequest
        {
            Disk = Path.GetFullPath(disk),
            Type = target,
            DryRun = dryRun,
            InstallBootloader = bootloader,
            Backup = backup is null ? null : Path.GetFullPath(backup),
            Kernel = kernel is null ? null : Path.GetFullPath(kernel),
            Ramdisk = ramdisk is null ? null : Path.GetFullPath(ramdisk),
            TimeoutSeconds = seconds,
        };
        try
        {
            using var client = DomainArgs.Client(ctx);
            var result = client.ConvertGuestAsync(request, step => ctx.Err.Write($"guest-convert: {step}\n")).Sync();
            Print(ctx, result, target, dryRun);
            return 0;
        }
        catch (XenodException e)
        {
            // xenod's refusals name the disk first, as its helper's failures do not.
            ctx.Err.Write(e.Message.StartsWith(request.Disk + ":", StringComparison.Ordinal)
                ? $"guest-convert: {e.Message}\n"
                : $"guest-convert: {disk}: {e.Message}\n");
            return 1;
        }
    }

    private static void Print(XlContext ctx, GuestConvertResponse r, string target, bool dryRun)
    {
        ctx.Out.Write($"{r.Distribution} on {r.Location} ({r.FileSystem}); boot: {r.BootSetup}; " +
                      $"gettys: {(r.InitSystems.Count == 0 ? "none found" : string.Join(", ", r.InitSystems))}\n");
        foreach (var note in r.Notes) ctx.Out.Write($"note: {note}\n");
        if (r.Changes == 0 && !r.BootloaderInstalled)
        {
            ctx.Out.Write($"already prepared for {target}: nothing to change\n");
            return;
        }
        ctx.Out.Write(r.Diff);
        if (dryRun || r.Backup is null) return;
        ctx.Out.Write(string.Create(CultureInfo.InvariantCulture,
            $"converted for {target}: {r.Changes} changes{(r.BootloaderInstalled ? ", GRUB installed in the MBR" : "")}; backup and restore script in {r.Backup} on the guest's disk\n"));
    }
}
