namespace Xeno.Boot.Loaders;

/// <summary>
/// The outcome of looking at one candidate partition: what was said while reading it, the
/// menu if a config was parsed, and the error that made us move on, if any.
/// </summary>
public sealed record PartitionAttempt(long Offset, IReadOnlyList<BootDiagnostic> Diagnostics, BootMenu? Menu, BootException? Error);

/// <summary>
/// What to boot: kernel and ramdisk paths inside <see cref="FileSystem"/> and the command line.
/// <see cref="Menu"/> and <see cref="EntryIndex"/> are null when --kernel or a NetWare loader
/// decided instead of a menu.
/// </summary>
public sealed record BootChoice(
    IGuestFileSystem FileSystem,
    long Offset,
    BootMenu? Menu,
    int? EntryIndex,
    string Kernel,
    string? Ramdisk,
    string Args,
    IReadOnlyList<PartitionAttempt> Attempts);
