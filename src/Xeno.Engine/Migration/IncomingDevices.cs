using Xeno.Config.Domain;
using Xeno.Migration.Streams;

namespace Xeno.Engine.Migration;

/// <summary>
/// The target's check of an incoming domain before anything is made for it (no disk copy created,
/// no domid, no QEMU): every file the domain's QEMU opens must be on this host. A disk on shared
/// storage and a CD image are opened at the same path as on the source; a disk copied by
/// --copy-storage must not exist yet and its folder must; a kernel or ramdisk QEMU loads must exist.
/// Every problem is named (device and path), not only the first, so the admin fixes them in one go.
/// Pure: what exists on this host comes from <c>exists</c>.
/// </summary>
internal static class IncomingDevices
{
    /// <param name="bootFilesOnHost">False when a bootloader reads kernel= and ramdisk= from the guest's disk.</param>
    /// <param name="exists">Whether a path names anything on this host (file, folder or device).</param>
    public static IReadOnlyList<string> Problems(DomainSpec spec, IReadOnlyList<CopiedDisk> copied, bool bootFilesOnHost, Func<string, bool> exists)
    {
        var problems = new List<string>();
        if (bootFilesOnHost)
        {
            foreach (var (what, path) in new[] { ("kernel", spec.Kernel), ("ramdisk", spec.Ramdisk) })
            {
                if (!string.IsNullOrEmpty(path) && !exists(path))
                    problems.Add($"{what} {path} does not exist on this host");
            }
        }
        foreach (var disk in spec.Disks)
        {
            if (string.IsNullOrEmpty(disk.Target))
                continue; // an empty CD-ROM drive opens nothing
            if (copied.Any(c => c.Path == disk.Target))
            {
                // --copy-storage creates it here: it must not be here yet, its folder must be.
                if (exists(disk.Target))
                    problems.Add($"disk vdev={disk.Vdev}: {disk.Target} already exists on this host; --copy-storage copies only to a host without it " +
                                 "(shared storage migrates without --copy-storage)");
                else if (Path.GetDirectoryName(disk.Target) is { Length: > 0 } folder && !exists(folder))
                    problems.Add($"disk vdev={disk.Vdev}: the folder {folder} for its copy does not exist on this host");
                continue;
            }
            if (exists(disk.Target))
                continue;
            problems.Add(disk.IsCdrom
                ? $"CD-ROM vdev={disk.Vdev}: image {disk.Target} does not exist on this host (a CD image must be at the same path on both hosts)"
                : $"disk vdev={disk.Vdev}: {disk.Target} does not exist on this host (without --copy-storage a disk must be on storage both hosts see under the same path)");
        }
        return problems;
    }

    /// <summary>The one-line refusal xl migrate-receive prints (and the sender passes on), or null if the domain can come.</summary>
    public static string? Refusal(string name, IReadOnlyList<string> problems) =>
        problems.Count == 0 ? null : $"domain {name} cannot run on this host: {string.Join("; ", problems)}";
}
