using Xeno.Boot.Partitions;

namespace Xeno.Boot.Loaders;

/// <summary>
/// Xen's pygrub decision, as a library: try the disk's candidate partitions in pygrub's order,
/// and in the first one whose boot config yields a kernel, choose the entry to boot.
/// Pure: the caller supplies the virtual disk and how to open a filesystem at an offset.
/// </summary>
public static class PygrubBootloader
{
    public const string NoPartitionMessage = "Unable to find partition containing kernel";
    public const string NetWareLoader = "/nwserver/xnloader.sys";

    /// <param name="disk">The guest's virtual disk (raw bytes as the guest sees them).</param>
    /// <param name="openFileSystem">Opens the filesystem starting at a byte offset; throws <see cref="BootException"/> when there is none.</param>
    /// <param name="request">The caller's choices.</param>
    /// <exception cref="BootSearchException">No partition gave a kernel.</exception>
    public static BootChoice Choose(Stream disk, Func<long, IGuestFileSystem> openFileSystem, BootRequest request)
    {
        IReadOnlyList<long> offsets = request.Offset is { } forced ? [forced] : PygrubPartitionOrder.Offsets(disk, PygrubOrderOptions.Intended);
        var attempts = new List<PartitionAttempt>();
        foreach (var offset in offsets)
        {
            var diagnostics = new List<BootDiagnostic>();
            BootMenu? menu = null;
            try
            {
                var fs = openFileSystem(offset);
                var choice = ChooseIn(fs, offset, request, diagnostics, m => menu = m);
                attempts.Add(new PartitionAttempt(offset, diagnostics, menu, null));
                return choice with { Attempts = attempts };
            }
            catch (BootException e)
            {
                attempts.Add(new PartitionAttempt(offset, diagnostics, menu, e));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or IndexOutOfRangeException
                                          or OverflowException or NotSupportedException or InvalidOperationException)
            {
                // Like pygrub's catch-all around each partition: a broken one is skipped, never fatal.
                attempts.Add(new PartitionAttempt(offset, diagnostics, menu, new BootException($"offset {offset}: {e.Message}", e)));
            }
        }
        throw new BootSearchException(NoPartitionMessage, attempts);
    }

    /// <summary>The choice within one filesystem (the part pygrub runs per partition).</summary>
    public static BootChoice ChooseIn(IGuestFileSystem fs, long offset, BootRequest request, List<BootDiagnostic> diagnostics,
        Action<BootMenu>? menuParsed = null)
    {
        string? kernel = request.Kernel;
        if (string.IsNullOrEmpty(kernel) && fs.FileExists(NetWareLoader)) kernel = NetWareLoader;
        if (!string.IsNullOrEmpty(kernel))
            return new BootChoice(fs, offset, null, null, kernel, NullIfEmpty(request.Ramdisk), CommandLine(null, request, false), []);

        var located = BootConfigReader.Locate(fs) ?? throw new BootException(BootConfigReader.NotFoundMessage);
        diagnostics.Add(new(DiagnosticLevel.Notice, $"Using <class '{located.Kind.PygrubClass()}'> to parse {located.Path}"));
        var menu = BootConfigReader.Read(fs, located.Path, located.Kind);
        diagnostics.AddRange(menu.Diagnostics);
        menuParsed?.Invoke(menu);

        int index = EntrySelector.Select(menu, request.Entry, diagnostics);
        if (request.Menu is not null && request.Entry is null)
        {
            int picked = request.Menu(menu, index);
            if (picked >= 0 && picked < menu.Entries.Count) index = picked;
        }
        var entry = menu.Entries[index];

        // grub legacy "fallback": pygrub ignores it; we use it where grub does, when the default entry
        // fails (its kernel or initrd file missing, or an entry grub refuses) and the fallback would not.
        if (request.Entry is null && menu.FallbackIndex is { } fb && fb >= 0 && fb < menu.Entries.Count && fb != index
            && GrubFails(fs, entry) is { } failure && GrubFails(fs, menu.Entries[(int)fb]) is null)
        {
            diagnostics.Add(new(DiagnosticLevel.Warning, $"{failure}, booting fallback entry {fb}"));
            index = (int)fb;
            entry = menu.Entries[index];
        }

        if (string.IsNullOrEmpty(entry.Kernel))
            throw new BootException($"{menu.ConfigPath}: entry \"{entry.Title}\" names no kernel");

        string args = CommandLine(entry.Args, request, true);
        string? ramdisk = entry.Initrd is { Length: > 0 } i ? ConfigLines.Resolve(entry.BaseDirectory, i) : null;
        return new BootChoice(fs, offset, menu, index, KernelPath(entry), ramdisk, args, []);
    }

    /// <summary>
    /// The kernel command line: the entry's (or --default_args when it has none), then " " and
    /// --args (pygrub adds the blank even after empty entry args), then " " and --extra_args.
    /// With --kernel, pygrub uses --args alone.
    /// </summary>
    private static string CommandLine(string? entryArgs, BootRequest request, bool fromMenu)
    {
        string args = string.IsNullOrEmpty(entryArgs) ? request.DefaultArgs ?? "" : entryArgs;
        if (fromMenu) { if (request.Args.Length > 0) args += " " + request.Args; }
        else args = args.Length > 0 && request.Args.Length > 0 ? args + " " + request.Args : args + request.Args;
        if (!string.IsNullOrEmpty(request.ExtraArgs)) args = args.Length > 0 ? args + " " + request.ExtraArgs : request.ExtraArgs;
        return args;
    }

    /// <summary>Why grub would fail to boot <paramref name="entry"/> from <paramref name="fs"/>; null when it would not.</summary>
    private static string? GrubFails(IGuestFileSystem fs, BootEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Kernel)) return $"Entry {entry.Title} names no kernel";
        if (!fs.FileExists(KernelPath(entry))) return $"Kernel {entry.Kernel} not found";
        if (entry.Initrd is { Length: > 0 } initrd && !fs.FileExists(ConfigLines.Resolve(entry.BaseDirectory, initrd)))
            return $"Initrd {initrd} not found";
        return entry.GrubFailure is { } refused ? $"Entry {entry.Title}: {refused}" : null;
    }

    private static string KernelPath(BootEntry entry) => ConfigLines.Resolve(entry.BaseDirectory, entry.Kernel!);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
