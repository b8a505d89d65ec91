namespace Xeno.Engine.Domains;

/// <summary>
/// Checks the files a domain needs before QEMU starts, with the messages xl users expect:
/// a missing kernel, ramdisk or disk target is named; an image another running domain
/// uses read-write (or that this one would write while another reads it) is refused, as Xen does.
/// </summary>
internal static class HostFiles
{
    public static void CheckBootFiles(Config.Domain.DomainSpec spec)
    {
        // With a bootloader, kernel= and ramdisk= are paths inside the guest's disk.
        if (Bootloader.PygrubCommandLine.Runs(spec))
            return;
        if (spec.Kernel is { } kernel)
            MustExist(kernel, "kernel");
        if (spec.Ramdisk is { } ramdisk)
            MustExist(ramdisk, "ramdisk");
    }

    public static void CheckDisks(Config.Domain.DomainSpec spec, IEnumerable<(int Domid, string Name, Config.Domain.DomainSpec Spec)> others)
    {
        foreach (var disk in spec.Disks)
        {
            if (disk.Target is null or "")
                continue;
            if (!File.Exists(disk.Target) && !Directory.Exists(disk.Target))
                throw new EngineException(EngineErrorKind.Invalid,
                    $"libxl: error: Disk vdev={disk.Vdev} failed to stat: {disk.Target}: No such file or directory");
            var mine = Canonical(disk.Target);
            foreach (var (domid, name, other) in others)
            {
                foreach (var theirs in other.Disks)
                {
                    if (theirs.Target is null or "" || Canonical(theirs.Target) != mine)
                        continue;
                    bool writes = !(disk.ReadOnly || disk.IsCdrom) || !(theirs.ReadOnly || theirs.IsCdrom);
                    if (writes)
                        throw new EngineException(EngineErrorKind.Conflict,
                            $"Disk {disk.Target} (vdev={disk.Vdev}) is already in use by domain {domid} ({name}); " +
                            "an image can be shared only when every domain has it read-only (access=ro)");
                }
            }
        }
    }

    private static void MustExist(string path, string what)
    {
        if (!File.Exists(path))
            throw new EngineException(EngineErrorKind.Invalid, $"{what} {path}: No such file or directory");
    }

    private static string Canonical(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
        }
    }
}
