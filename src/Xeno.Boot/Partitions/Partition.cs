namespace Xeno.Boot.Partitions;

/// <summary>
/// One partition that can hold a filesystem. <see cref="Number"/> follows Linux numbering:
/// MBR primaries 1-4 by slot, logicals from 5 in chain order, GPT entries by slot index + 1.
/// </summary>
/// <param name="Offset">Start in bytes from the beginning of the disk.</param>
/// <param name="Length">Size in bytes as the table states it (it may reach past the end of a truncated image).</param>
/// <param name="MbrType">MBR partition type byte (0 for GPT partitions).</param>
/// <param name="GptType">GPT partition type GUID (empty for MBR partitions).</param>
/// <param name="Bootable">MBR active flag (0x80), or the GPT "legacy BIOS bootable" attribute.</param>
/// <param name="IsLogical">An MBR logical partition inside an extended one.</param>
/// <param name="Name">GPT partition name ("" for MBR).</param>
public sealed record Partition(
    int Number,
    long Offset,
    long Length,
    byte MbrType,
    Guid GptType,
    bool Bootable,
    bool IsLogical,
    string Name);
