namespace Xeno.Boot.Partitions;

/// <summary>What the start of a disk says about its layout.</summary>
/// <param name="Partitions">Partitions that can hold filesystems, in Linux number order (extended containers left out).</param>
/// <param name="PrimarySlots">The four raw MBR entries when sector 0 carries the 0x55AA signature, else empty.</param>
/// <param name="HasBootSignature">Sector 0 ends with 0x55AA.</param>
/// <param name="UsedGptBackup">The primary GPT header or entries were damaged and the backup at the end of the disk was used.</param>
/// <param name="Warnings">Non-fatal oddities found (e.g. a broken logical chain that was cut short).</param>
/// <param name="IsoAtStart">An ISO9660 volume starts at byte 0 as well (a hybrid ISO: partition table and ISO in one image).</param>
public sealed record PartitionTable(
    PartitionScheme Scheme,
    IReadOnlyList<Partition> Partitions,
    IReadOnlyList<MbrSlot> PrimarySlots,
    bool HasBootSignature,
    bool UsedGptBackup,
    IReadOnlyList<string> Warnings,
    bool IsoAtStart = false);
