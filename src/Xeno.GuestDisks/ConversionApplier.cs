using Xeno.Boot.Conversion;
using Xeno.Boot.Disks;

namespace Xeno.GuestDisks;

/// <summary>debugfs failed or left the filesystem other than planned.</summary>
public sealed class DebugfsException(string message) : Exception(message);

/// <summary>
/// Carries out a <see cref="ConversionPlan"/> on a raw image: backup folder (the original texts
/// under before/, the new ones under after/, changes.diff, apply.debugfs, undo.debugfs), one debugfs
/// run, then a check that the disk now reads as planned; on any failure the undo script runs.
/// </summary>
public static class ConversionApplier
{
    /// <returns>The backup folder.</returns>
    public static string Apply(string disk, long offset, ConversionPlan plan, string backup)
    {
        var device = $"{Path.GetFullPath(disk)}?offset={offset}";
        backup = Path.GetFullPath(backup);
        if (Directory.Exists(backup) && Directory.EnumerateFileSystemEntries(backup).Any())
            throw new ConversionRefusedException($"backup folder {backup} exists and is not empty: nothing changed");
        Directory.CreateDirectory(backup);

        string Under(string side, string guestPath) => Path.Combine(backup, side, guestPath.TrimStart('/'));
        var inodes = new Dictionary<string, DebugfsScript.Inode>();
        foreach (var change in plan.Changes)
        {
            if (change.Before is not null)
            {
                Save(Under("before", change.Path), change.Before);
                if (change.Action == GuestFileAction.Write)
                {
                    inodes[change.Path] = DebugfsScript.ParseStat(Debugfs.Run(device, write: false, "-R", $"stat {DebugfsScript.Quote(change.Path)}"))
                        ?? throw new DebugfsException($"debugfs cannot stat {change.Path}");
                }
            }
            if (change.After is not null) Save(Under("after", change.Path), change.After);
        }
        File.WriteAllText(Path.Combine(backup, "changes.diff"), plan.Diff());
        var undo = DebugfsScript.Undo(plan.Changes, p => Under("before", p), inodes);
        File.WriteAllText(Path.Combine(backup, "undo.debugfs"), undo);
        var apply = DebugfsScript.Apply(plan.Changes, p => Under("after", p), inodes);
        File.WriteAllText(Path.Combine(backup, "apply.debugfs"), apply);

        try
        {
            Debugfs.Run(device, write: true, "-f", Path.Combine(backup, "apply.debugfs"));
            Verify(disk, plan);
        }
        catch (DebugfsException e)
        {
            try
            {
                Debugfs.Run(device, write: true, "-f", Path.Combine(backup, "undo.debugfs"));
            }
            catch (DebugfsException undoFailure)
            {
                throw new DebugfsException($"{e.Message}; and undoing failed too: {undoFailure.Message} (the originals are in {backup}/before)");
            }
            throw new DebugfsException($"{e.Message}; the original files were put back");
        }
        return backup;
    }

    private static void Save(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Reads the disk again through Xeno.Boot's own reader: every written file has its new text, every link is there, every removed path is gone.</summary>
    private static void Verify(string disk, ConversionPlan plan)
    {
        using var image = new FileStream(disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var guestDisk = GuestDisk.Open(image);
        var root = GuestSnapshotReader.Read(guestDisk);
        foreach (var change in plan.Changes)
        {
            var now = root.Snapshot.Text(change.Path);
            bool ok = change.Action switch
            {
                GuestFileAction.Write => now == change.After,
                GuestFileAction.Symlink => root.Snapshot.EnabledSerialGettys.Contains(GettyLine(change.Path)) || now is not null,
                GuestFileAction.Delete when change.Before is null => !root.Snapshot.EnabledSerialGettys.Contains(GettyLine(change.Path)),
                _ => now is null,
            };
            if (!ok) throw new DebugfsException($"after debugfs, {change.Path} is not as planned");
        }
    }

    private static string GettyLine(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("serial-getty@", StringComparison.Ordinal) && name.EndsWith(".service", StringComparison.Ordinal)
            ? name["serial-getty@".Length..^".service".Length]
            : "";
    }
}
