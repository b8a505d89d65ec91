using Xeno.Boot;
using Xeno.Boot.Conversion;
using Xeno.Boot.Disks;
using Xeno.Boot.Images;
using Xeno.Cli.Commands.Domain;
using Xeno.GuestDisks;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// `xl guest-convert [-n] [-b DIR] DISK pv|hvm` (Xeno's own; Xen has none): prepares the Linux
/// system on a stopped guest's raw disk image for the other boot type, offline. What changes is
/// decided by <see cref="ConversionPlanner"/> from files read with Xeno.Boot; this layer only
/// prints the diff, keeps a backup and runs e2fsprogs' debugfs to write (no mount, no loop
/// device, no guest boot). See docs/guests.md.
/// </summary>
public static class GuestConvertCommand
{
    public static readonly XlCommand Definition = new(
        "guest-convert", Run, Modifies: true, CanDryRun: true,
        "Prepare a stopped guest's Linux disk for booting as pv or hvm (Xeno)",
        "[options] <Disk> <pv|hvm>",
        "-n, --dry-run           Print the plan and the diff, change nothing.\n" +
        "-b DIR, --backup=DIR    Keep the original files and the undo script in DIR\n" +
        "                        (default: <Disk>.convert-<type>-<UTC time>).");

    private const string ShortOptions = "nb:";

    private static readonly LongOption[] LongOptions =
    [
        new LongOption("dry-run", false, 'n'),
        new LongOption("backup", true, 'b'),
    ];

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        if (DomainArgs.Parse(ctx, Definition, ShortOptions, LongOptions, args, required: 0, out int exit) is not { } parsed)
            return exit;
        bool dryRun = ctx.DryRun;
        string? backup = null;
        foreach (var (opt, arg) in parsed.Options)
        {
            switch (opt)
            {
                case 'n': dryRun = true; break;
                case 'b': backup = arg; break;
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

        try
        {
            return Convert(ctx, disk, target, dryRun, backup);
        }
        catch (Exception e) when (e is ConversionRefusedException or BootException or IOException or UnauthorizedAccessException or DebugfsException)
        {
            ctx.Err.Write($"guest-convert: {disk}: {e.Message}\n");
            return 1;
        }
    }

    private static int Convert(XlContext ctx, string disk, GuestBootType target, bool dryRun, string? backup)
    {
        GuestRoot root;
        using (var image = new FileStream(disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var guestDisk = GuestDisk.Open(image))
        {
            if (guestDisk.Format != ImageFormat.Raw && !dryRun)
            {
                throw new ConversionRefusedException(
                    $"a {guestDisk.Format.ToString().ToLowerInvariant()} image: guest-convert writes raw images only (debugfs); " +
                    "`qemu-img convert -O raw` it first, or use -n to see the plan");
            }
            root = GuestSnapshotReader.Read(guestDisk);
        }
        var plan = ConversionPlanner.Plan(root.Snapshot, target);
        var where = root.Partition is { } p ? $"partition {p.Number}" : "the whole disk";
        ctx.Out.Write($"{plan.Distribution} on {where} ({root.FileSystemKind}); boot: {plan.BootSetup}; " +
                      $"gettys: {(plan.InitSystems.Count == 0 ? "none found" : string.Join(", ", plan.InitSystems))}\n");
        foreach (var note in plan.Notes) ctx.Out.Write($"note: {note}\n");
        if (plan.Changes.Count == 0)
        {
            ctx.Out.Write($"already prepared for {GuestConsoles.Name(target)}: nothing to change\n");
            return 0;
        }
        ctx.Out.Write(plan.Diff());
        if (dryRun) return 0;
        if (!root.FileSystemKind.StartsWith("ext", StringComparison.Ordinal))
            throw new ConversionRefusedException($"the root filesystem is {root.FileSystemKind}: guest-convert writes ext2/3/4 only (debugfs)");
        // Mode bits, not an open for writing: root may write a file nobody is meant to (the image cache is 0444).
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(disk) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
            throw new ConversionRefusedException("the image is read-only (no write permission): nothing changed");

        backup ??= $"{disk}.convert-{GuestConsoles.Name(target)}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
        var applied = ConversionApplier.Apply(disk, root.Offset, plan, backup);
        ctx.Out.Write($"converted for {GuestConsoles.Name(target)}: {plan.Changes.Count} changes; backup and undo script in {applied}\n");
        return 0;
    }
}
