namespace Xeno.Engine.Domains;

/// <summary>
/// Checks the files a domain needs before QEMU starts, with the messages xl users expect:
/// a missing kernel, ramdisk or disk target is named; an image another running domain
/// uses read-write (or that this one would write while another reads it) is refused, as Xen does;
/// within one domain, two disks on one vdev (libxl's "device already exists") and one image given
/// twice with a writer (which QEMU would refuse only as it starts, with its raw lock error) are refused.
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
        CheckWithinDomain(spec);
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

    private static void CheckWithinDomain(Config.Domain.DomainSpec spec)
    {
        var disks = spec.Disks;
        for (int i = 0; i < disks.Count; i++)
        {
            for (int j = i + 1; j < disks.Count; j++)
            {
                // The vdev names the device number libxl writes in xenstore; a second disk with the
                // same number is libxl's "device already exists in xenstore".
                if (disks[i].Devid == disks[j].Devid)
                    throw new EngineException(EngineErrorKind.Invalid,
                        $"libxl: error: Disk vdev={disks[j].Vdev}:device already exists in xenstore " +
                        $"(disk {i + 1} and disk {j + 1} of the config are both vdev={disks[i].Vdev})");
            }
        }
        for (int i = 0; i < disks.Count; i++)
        {
            for (int j = i + 1; j < disks.Count; j++)
            {
                if (disks[i].Target is null or "" || disks[j].Target is null or "" ||
                    !(File.Exists(disks[i].Target) || Directory.Exists(disks[i].Target)) ||
                    Canonical(disks[i].Target!) != Canonical(disks[j].Target!))
                    continue;
                bool writes = !(disks[i].ReadOnly || disks[i].IsCdrom) || !(disks[j].ReadOnly || disks[j].IsCdrom);
                if (writes)
                    throw new EngineException(EngineErrorKind.Invalid,
                        $"Disk {disks[j].Target} is given twice (vdev={disks[i].Vdev} and vdev={disks[j].Vdev}) and written through " +
                        "at least one: an image can be given twice only when both are read-only (access=ro)");
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
