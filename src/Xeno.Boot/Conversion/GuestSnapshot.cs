namespace Xeno.Boot.Conversion;

/// <summary>
/// What the conversion planner knows about one guest system: the text of the files it may change
/// (absent files are missing from <see cref="Files"/>), which systemd getty links are enabled,
/// whether systemd's serial-getty template exists, and the filesystem UUID of each partition of
/// the guest's first disk (to name devices in a way that holds under pv and hvm alike).
/// Made by <see cref="GuestSnapshotReader"/> from a disk, or by hand in tests.
/// </summary>
public sealed record GuestSnapshot
{
    /// <summary>Absolute path in the guest → file text.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    /// <summary>Lines (hvc0, ttyS0, ...) whose serial-getty@LINE.service is linked into getty.target.wants.</summary>
    public IReadOnlySet<string> EnabledSerialGettys { get; init; } = new HashSet<string>();

    /// <summary>True when /lib/systemd/system/serial-getty@.service exists (the system boots with systemd).</summary>
    public bool HasSystemdSerialGetty { get; init; }

    /// <summary>Partition number (1 = first) → filesystem UUID, for the partitions whose UUID could be read.</summary>
    public IReadOnlyDictionary<int, string> PartitionUuids { get; init; } = new Dictionary<int, string>();

    public string? Text(string path) => Files.TryGetValue(path, out var text) ? text : null;
}
