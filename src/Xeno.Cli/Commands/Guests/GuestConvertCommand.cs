using System.Globalization;
using Xeno.Api.Client;
using Xeno.Boot;
using Xeno.Boot.Conversion;
using Xeno.Cli.Commands.Domain;
using Xeno.Cli.Commands.Guests.Helpers;
using Xeno.GuestDisks.Rescue;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// `xl guest-convert [options] DISK pv|hvm` (Xeno's own; Xen has none): prepares the Linux system
/// on a stopped guest's disk for the other boot type. What changes is decided by
/// <see cref="ConversionPlanner"/> from files read with Xeno.Boot; the changes are made inside a
/// helper guest with the disk attached (<see cref="RescueConverter"/>), which regenerates GRUB's
/// config and, with -B, installs GRUB in the MBR with the guest's own tools. See docs/guests.md.
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
        string kernel = Path.Combine(ctx.Host.Prefix, GuestRescueCommand.DefaultDir, "vmlinuz");
        string ramdisk = Path.Combine(ctx.Host.Prefix, GuestRescueCommand.DefaultDir, "initrd.img");
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
        GuestBootType target;
        switch (parsed.Operands[1])
        {
            case "pv": case "pvh": target = GuestBootType.Pv; break;
            case "hvm": target = GuestBootType.Hvm; break;
            default:
                ctx.Err.Write($"guest-convert: unknown guest type '{parsed.Operands[1]}' (pv, pvh or hvm)\n");
                return 2;
        }
        int seconds = 900;
        if (timeout is not null && (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds < 1))
        {
            ctx.Err.Write($"guest-convert: --timeout '{timeout}' is not a whole number of seconds\n");
            return 2;
        }
        var options = new ConvertOptions(target, dryRun, bootloader, Path.GetFullPath(kernel), Path.GetFullPath(ramdisk),
            backup is null ? null : Path.GetFullPath(backup), TimeSpan.FromSeconds(seconds), DateTime.UtcNow);

        try
        {
            using var client = DomainArgs.Client(ctx);
            var result = RescueConverter.Convert(disk, options, new XenodHelperGuests(ctx, client), step => ctx.Err.Write($"guest-convert: {step}\n"));
            Print(ctx, result, options);
            return 0;
        }
        catch (Exception e) when (e is ConversionRefusedException or HelperGuestException or BootException or IOException or UnauthorizedAccessException or XenodException)
        {
            ctx.Err.Write($"guest-convert: {disk}: {e.Message}\n");
            return 1;
        }
    }

    private static void Print(XlContext ctx, RescueConversionResult r, ConvertOptions o)
    {
        var plan = r.Plan;
        ctx.Out.Write($"{plan.Distribution} on {r.Location} ({r.FileSystem}); boot: {plan.BootSetup}; " +
                      $"gettys: {(plan.InitSystems.Count == 0 ? "none found" : string.Join(", ", plan.InitSystems))}\n");
        foreach (var note in plan.Notes) ctx.Out.Write($"note: {note}\n");
        if (plan.Changes.Count == 0 && !o.InstallBootloader)
        {
            ctx.Out.Write($"already prepared for {GuestConsoles.Name(o.Target)}: nothing to change\n");
            return;
        }
        ctx.Out.Write(r.Diff());
        if (r.Backup is null) return;
        var name = GuestConsoles.Name(o.Target);
        ctx.Out.Write(string.Create(CultureInfo.InvariantCulture,
            $"converted for {name}: {r.Done.Count} changes{(r.BootloaderInstalled ? ", GRUB installed in the MBR" : "")}; backup and restore script in {r.Backup} on the guest's disk\n"));
    }
}
