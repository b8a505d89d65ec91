using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains.Lifecycle;

/// <summary>
/// A xenod killed while a domain was starting (a create, a restore, an incoming migration, whose
/// runtime record is written only once the start completed) leaves that domain's run folder and
/// maybe its QEMU (one started with -incoming defer waits for ever). At the next start nothing
/// else knows them: a run folder without a record is ended, its QEMU killed (only if the pid file
/// names a live QEMU of that very folder), then removed. Found by the migration failure tests.
/// An incoming --copy-storage copy's folder lists the disks it created (IncomingDiskJournal): a
/// migration that never completed, so they go too, except a path a recorded domain uses.
/// </summary>
internal static partial class UnrecordedRunFolders
{
    [GeneratedRegex(@"^d(\d+)$")]
    private static partial Regex DomainFolder();

    /// <param name="recordedDisks">Every disk path of a recorded domain: never removed.</param>
    public static void Clean(EngineContext context, IReadOnlySet<int> recorded, IReadOnlySet<string> recordedDisks)
    {
        if (!Directory.Exists(context.Paths.RunDir))
            return;
        // Lists of an incoming copy killed before its domain had a domid.
        foreach (var staged in Migration.IncomingDiskJournal.Staged(context.Paths.RunDir).ToList())
        {
            RemoveIncomingDisks(context, "incoming", staged, recordedDisks);
            Migration.StorageMirror.RemoveDisks([staged]);
        }
        foreach (var dir in Directory.GetDirectories(context.Paths.RunDir))
        {
            var m = DomainFolder().Match(Path.GetFileName(dir));
            if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int domid) || recorded.Contains(domid))
                continue;
            // The name only places the console log, which stays: any name finds the QEMU by its QMP socket.
            var files = context.Paths.FilesFor(domid, "unrecorded");
            if (QemuProcess.TryAdopt(files, context.Proc) is { } qemu)
            {
                qemu.Kill();
                context.Log.Info($"domain {domid}: killed QEMU pid {qemu.Pid} of a start that never finished (no runtime record)");
            }
            RemoveIncomingDisks(context, domid.ToString(CultureInfo.InvariantCulture), Migration.IncomingDiskJournal.PathIn(dir), recordedDisks);
            try
            {
                Directory.Delete(dir, recursive: true);
                context.Log.Info($"domain {domid}: removed the run folder of a start that never finished (no runtime record)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Log.Info($"domain {domid}: cannot remove {dir}: {e.Message}");
            }
        }
    }

    /// <summary>The disks a never-completed incoming copy created (its QEMU is gone by now).</summary>
    private static void RemoveIncomingDisks(EngineContext context, string domid, string list, IReadOnlySet<string> recordedDisks)
    {
        IReadOnlyList<string> disks;
        try
        {
            disks = Migration.IncomingDiskJournal.Read(list);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            context.Log.Info($"domain {domid}: cannot read the disks an incoming copy created: {e.Message}");
            return;
        }
        foreach (var disk in disks)
        {
            if (recordedDisks.Contains(disk))
            {
                context.Log.Info($"domain {domid}: kept {disk}: a recorded domain uses it");
                continue;
            }
            try
            {
                if (!File.Exists(disk))
                    continue;
                File.Delete(disk);
                context.Log.Info($"domain {domid}: removed {disk}, a disk of an incoming migration that never completed");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Log.Info($"domain {domid}: cannot remove {disk}: {e.Message}");
            }
        }
    }
}
