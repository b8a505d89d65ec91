using Xeno.Boot.Conversion;
using Xeno.Boot.Disks;
using Xeno.Boot.Images;

namespace Xeno.GuestDisks;

/// <summary>What a conversion found and did (the facts xl guest-convert prints).</summary>
public sealed record GuestConversionResult(ConversionPlan Plan, string Location, string FileSystem, string? Backup);

/// <summary>
/// xl guest-convert's steps for a caller that is not xl (xenod's API): read the guest's files
/// with Xeno.Boot, plan with <see cref="ConversionPlanner"/>, refuse what debugfs cannot write,
/// then <see cref="ConversionApplier.Apply"/>. Refusals are <see cref="ConversionRefusedException"/>;
/// the caller checks that no domain uses the disk.
/// </summary>
public static class GuestConverter
{
    public static GuestConversionResult Convert(string disk, GuestBootType target, bool dryRun, string? backup, DateTime utcNow)
    {
        GuestRoot root;
        using (var image = new FileStream(disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var guestDisk = GuestDisk.Open(image))
        {
            if (guestDisk.Format != ImageFormat.Raw && !dryRun)
            {
                throw new ConversionRefusedException(
                    $"a {guestDisk.Format.ToString().ToLowerInvariant()} image: guest-convert writes raw images only (debugfs); convert it to raw first, or ask for a dry run");
            }
            root = GuestSnapshotReader.Read(guestDisk);
        }
        var plan = ConversionPlanner.Plan(root.Snapshot, target);
        var where = root.Partition is { } p ? $"partition {p.Number}" : "the whole disk";
        if (plan.Changes.Count == 0 || dryRun)
            return new GuestConversionResult(plan, where, root.FileSystemKind, null);
        if (!root.FileSystemKind.StartsWith("ext", StringComparison.Ordinal))
            throw new ConversionRefusedException($"the root filesystem is {root.FileSystemKind}: guest-convert writes ext2/3/4 only (debugfs)");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(disk) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
            throw new ConversionRefusedException("the image is read-only (no write permission): nothing changed");
        backup ??= $"{disk}.convert-{GuestConsoles.Name(target)}-{utcNow:yyyyMMdd'T'HHmmss'Z'}";
        return new GuestConversionResult(plan, where, root.FileSystemKind, ConversionApplier.Apply(disk, root.Offset, plan, backup));
    }
}
