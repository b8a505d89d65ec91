namespace Xeno.Boot.Partitions;

/// <summary>
/// Which departures from Xen 4.17's pygrub <see cref="PygrubPartitionOrder"/> makes. The default
/// (<see cref="Xen417"/>) is pygrub exactly as Debian ships and runs it under Python 3;
/// <see cref="Intended"/> is what <c>xeno-pygrub</c> uses: what pygrub's source means to do, plus
/// logical partitions.
/// </summary>
public sealed record PygrubOrderOptions
{
    /// <summary>Xen 4.17's pygrub under Python 3, to the byte.</summary>
    public static PygrubOrderOptions Xen417 { get; } = new();

    /// <summary>Every departure on: the order the boot loader (and so <c>xeno-pygrub</c>) tries.</summary>
    public static PygrubOrderOptions Intended { get; } = new()
    {
        ActiveFirst = true,
        HybridIso = true,
        LogicalPartitions = true,
        GptEntriesFromHeader = true,
    };

    /// <summary>Move the active (0x80) primary partition first; pygrub's test never succeeds under Python 3.</summary>
    public bool ActiveFirst { get; init; }

    /// <summary>Try offset 0 first when an ISO9660 volume starts there too; pygrub's test never succeeds under Python 3.</summary>
    public bool HybridIso { get; init; }

    /// <summary>After the primaries, try the logical partitions of each extended one (pygrub never looks at them).</summary>
    public bool LogicalPartitions { get; init; }

    /// <summary>
    /// Read GPT entries where the header (with its "EFI PART" signature) says they are, and leave unused
    /// entries out. pygrub reads them from byte 1024 whatever the header says and tries unused ones at offset 0.
    /// </summary>
    public bool GptEntriesFromHeader { get; init; }
}
