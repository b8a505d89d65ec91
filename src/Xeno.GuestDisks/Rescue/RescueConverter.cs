using Xeno.Boot.Conversion;
using Xeno.Boot.Disks;
using Xeno.Boot.Images;

namespace Xeno.GuestDisks.Rescue;

/// <summary>How a conversion is asked for.</summary>
/// <param name="Kernel">The helper's kernel (the guest kit's vmlinuz).</param>
/// <param name="Ramdisk">The helper's initramfs (the guest kit's rescue-initrd.img, which has /sbin/xeno-convert).</param>
/// <param name="HostBackup">A folder on the host for copies of the texts before and after and the diff (null: none; the backup is on the guest's disk).</param>
public sealed record ConvertOptions(
    GuestBootType Target,
    bool DryRun,
    bool InstallBootloader,
    string Kernel,
    string Ramdisk,
    string? HostBackup,
    TimeSpan Timeout,
    DateTime UtcNow);

/// <summary>What a conversion found and did.</summary>
/// <param name="Done">The changes as they are on the disk now (the regenerated grub.cfg as the guest's grub-mkconfig wrote it); the plan's for a dry run.</param>
/// <param name="Backup">The backup folder on the guest's disk; null when nothing was changed.</param>
public sealed record RescueConversionResult(
    ConversionPlan Plan,
    string Location,
    string FileSystem,
    IReadOnlyList<GuestFileChange> Done,
    string? Backup,
    bool BootloaderInstalled)
{
    public string Diff() => string.Concat(Done.Select(c => c.Diff()));
}

/// <summary>A conversion read, planned and checked (<see cref="RescueConverter.CheckAsync"/>), not yet run.</summary>
public sealed record RescueConversion(string Disk, ConvertOptions Options, GuestRoot Root, ImageFormat Format, ConversionPlan Plan, string Location)
{
    /// <summary>False for a dry run and for a disk already prepared (with no bootloader asked for): the plan is the answer.</summary>
    public bool NeedsHelper => !Options.DryRun && (Plan.Changes.Count > 0 || Options.InstallBootloader);

    public RescueConversionResult Planned => new(Plan, Location, Root.FileSystemKind, Plan.Changes, null, false);
}

/// <summary>A refusal because something else holds the disk (a domain using it, another conversion's helper); nothing changed.</summary>
public sealed class ConversionConflictException(string message) : Exception(message);

/// <summary>
/// PV ↔ HVM conversion of a stopped guest's disk inside a helper guest. The host only reads the
/// disk (Xeno.Boot's read-only readers, as xeno-pygrub does) and decides the changes with
/// <see cref="ConversionPlanner"/>; the helper guest (the guest kit's rescue initramfs, with the
/// disk attached) checks that the files are as read, backs them up on the guest's disk, writes
/// the changes, regenerates grub.cfg with the guest's own grub-mkconfig and, if asked, installs
/// GRUB for BIOS with the guest's own grub-install, all in a chroot, and puts the backup back if
/// anything fails. Nothing of the guest's filesystem is ever mounted or written on the host.
/// </summary>
public static class RescueConverter
{
    /// <summary>The result disk's size: the files of a conversion are a few kilobytes; base64 and a large grub.cfg fit many times.</summary>
    public const int ResultDiskBytes = 16 << 20;

    /// <summary>
    /// Reads the disk, plans the changes and checks everything that can be checked before the
    /// helper starts. Refusals (<see cref="ConversionRefusedException"/>, <see cref="ConversionConflictException"/>,
    /// Xeno.Boot's <c>BootException</c> for a disk with no system it knows) change nothing.
    /// </summary>
    public static async Task<RescueConversion> CheckAsync(string disk, ConvertOptions o, IHelperGuestHost host)
    {
        disk = Path.GetFullPath(disk);
        GuestRoot root;
        ImageFormat format;
        using (var image = new FileStream(disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var guestDisk = GuestDisk.Open(image))
        {
            format = guestDisk.Format;
            root = GuestSnapshotReader.Read(guestDisk);
        }
        var plan = ConversionPlanner.Plan(root.Snapshot, o.Target);
        var where = (root.Partition is { } p ? $"partition {p.Number}" : "the whole disk") +
                    (root.BootPartition is { } b ? $", /boot on partition {b.Number}" : "");
        var checkedConversion = new RescueConversion(disk, o, root, format, plan, where);
        if (!checkedConversion.NeedsHelper) return checkedConversion;

        if (o.InstallBootloader && o.Target != GuestBootType.Hvm)
            throw new ConversionRefusedException("a BIOS bootloader is for hvm guests (pv boots through pygrub): nothing changed");
        if (o.InstallBootloader && root.Partition is null)
            throw new ConversionRefusedException("the filesystem fills the whole disk, with no room for a BIOS bootloader: nothing changed");
        // Mode bits, not an open for writing: root may write a file nobody is meant to (the image cache is 0444).
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(disk) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
            throw new ConversionRefusedException("the image is read-only (no write permission): nothing changed");
        if (o.HostBackup is { } hb && Directory.Exists(hb) && Directory.EnumerateFileSystemEntries(hb).Any())
            throw new ConversionRefusedException($"backup folder {hb} exists and is not empty: nothing changed");
        foreach (var (file, what) in new[] { (o.Kernel, "kernel"), (o.Ramdisk, "initramfs") })
        {
            if (!File.Exists(file))
                throw new ConversionRefusedException($"no helper {what} at {file} (the guest kit's vmlinuz and rescue-initrd.img): nothing changed");
        }
        if (ConvertHelperConfig.Unwritable(disk, o.Kernel, o.Ramdisk) is { } unwritable)
            throw new ConversionRefusedException(unwritable + ": nothing changed");
        if (await host.DomainsUsingAsync(disk) is { Count: > 0 } users)
            throw new ConversionConflictException($"the disk is in use by domain {string.Join(", ", users)}: shut it down (and destroy it) first: nothing changed");
        var name = ConvertHelperConfig.HelperName(disk);
        if (await host.DomainExistsAsync(name))
            throw new ConversionConflictException($"the helper domain {name} exists already (another conversion of this disk running?): nothing changed");
        return checkedConversion;
    }

    /// <summary>
    /// Carries out a checked conversion in the helper guest (a dry run or one with nothing to do
    /// answers the plan at once). Failures throw <see cref="HelperGuestException"/>, whose message
    /// says whether the disk was changed and where its backup is.
    /// </summary>
    public static async Task<RescueConversionResult> RunAsync(RescueConversion c, IHelperGuestHost host, Action<string> progress)
    {
        var (disk, o, root, plan) = (c.Disk, c.Options, c.Root, c.Plan);
        if (!c.NeedsHelper) return c.Planned;
        var name = ConvertHelperConfig.HelperName(disk);
        var job = new ConvertJob(o.Target, root.Partition?.Number ?? 0, plan.Changes, ConvertJob.RegenerateTarget(root.Snapshot), o.InstallBootloader, o.UtcNow,
            root.BootPartition?.Number);
        var work = Directory.CreateTempSubdirectory("xeno-convert-");
        try
        {
            string planDisk = Path.Combine(work.FullName, "plan.img"), resultDisk = Path.Combine(work.FullName, "result.img");
            WritePrivate(planDisk, f => f.Write(ConvertPlanDisk.Encode(job, plan.Diff())));
            WritePrivate(resultDisk, f => f.SetLength(ResultDiskBytes));
            if (ConvertHelperConfig.Unwritable(planDisk) is { } badTemp) throw new ConversionRefusedException(badTemp);
            var config = ConvertHelperConfig.Text(name, o.Kernel, o.Ramdisk, disk, c.Format, planDisk, resultDisk);
            progress($"starting the helper guest {name}");
            HelperGuestRun run;
            try
            {
                run = await host.RunAsync(name, config, HelperConsole.Convert, o.Timeout, progress);
            }
            catch (HelperGuestNotStartedException e)
            {
                throw new HelperGuestException(e.Message + ": nothing changed");
            }
            if (!run.Report.Succeeded)
            {
                throw new HelperGuestException((run.Report.Reason ?? "the helper guest stopped without reporting a result (the disk may have been changed: see " +
                    job.BackupPath + " on it)") + $" (the helper's console log: {run.ConsoleLog})");
            }
            ConvertResult result;
            try
            {
                result = ConvertResultDisk.Parse(await File.ReadAllBytesAsync(resultDisk));
            }
            catch (ConvertResultException e)
            {
                throw new HelperGuestException($"the helper reported success but its result is unreadable: {e.Message} (the backup is {job.BackupPath} on the guest's disk)");
            }
            var done = Done(job, root.Snapshot, result);
            if (o.HostBackup is { } backup) SaveHostBackup(backup, done);
            return new RescueConversionResult(plan, c.Location, root.FileSystemKind, done, result.Backup, o.InstallBootloader);
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }

    /// <summary>
    /// The changes as the helper reports them done: each planned write's text must be the
    /// planned one (except the regenerated grub.cfg, which is whatever the guest's grub-mkconfig
    /// made), each removed path gone, each link there.
    /// </summary>
    public static IReadOnlyList<GuestFileChange> Done(ConvertJob job, GuestSnapshot before, ConvertResult result)
    {
        ResultEntry Now(string path) => result.Paths.TryGetValue(path, out var e)
            ? e
            : throw new HelperGuestException($"the helper did not report {path} (the backup is {job.BackupPath} on the guest's disk)");
        HelperGuestException NotAsPlanned(string path) =>
            new($"after the helper, {path} is not as planned (the backup is {job.BackupPath} on the guest's disk)");
        var done = new List<GuestFileChange>();
        foreach (var c in job.Changes)
        {
            var now = Now(c.Path);
            switch (c.Action)
            {
                case GuestFileAction.Write when c.Path == job.Regenerate:
                    if (now.Kind != ResultEntryKind.File) throw NotAsPlanned(c.Path);
                    if (now.Text != c.Before) done.Add(GuestFileChange.Write(c.Path, c.Before, now.Text!));
                    break;
                case GuestFileAction.Write:
                    if (now.Kind != ResultEntryKind.File || now.Text != c.After) throw NotAsPlanned(c.Path);
                    done.Add(c);
                    break;
                case GuestFileAction.Delete:
                    if (now.Kind != ResultEntryKind.Absent) throw NotAsPlanned(c.Path);
                    done.Add(c);
                    break;
                case GuestFileAction.Symlink:
                    if (now.Kind != ResultEntryKind.Link || now.Text != c.LinkTarget) throw NotAsPlanned(c.Path);
                    done.Add(c);
                    break;
            }
        }
        if (job.Regenerate is { } regenerated && job.Changes.All(c => c.Path != regenerated))
        {
            var now = Now(regenerated);
            if (now.Kind != ResultEntryKind.File) throw NotAsPlanned(regenerated);
            if (now.Text != before.Text(regenerated)) done.Add(GuestFileChange.Write(regenerated, before.Text(regenerated), now.Text!));
        }
        return done;
    }

    private static void SaveHostBackup(string folder, IReadOnlyList<GuestFileChange> done)
    {
        Directory.CreateDirectory(folder);
        foreach (var c in done)
        {
            if (c.Before is not null) Save(Path.Combine(folder, "before", c.Path.TrimStart('/')), c.Before);
            if (c.After is not null) Save(Path.Combine(folder, "after", c.Path.TrimStart('/')), c.After);
        }
        File.WriteAllText(Path.Combine(folder, "changes.diff"), string.Concat(done.Select(c => c.Diff())));
    }

    private static void Save(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static void WritePrivate(string path, Action<FileStream> write)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var f = new FileStream(path, options);
        write(f);
    }
}
