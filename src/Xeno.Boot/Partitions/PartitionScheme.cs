namespace Xeno.Boot.Partitions;

/// <summary>How a disk is divided.</summary>
public enum PartitionScheme
{
    /// <summary>No partition table: the whole disk holds one filesystem (or nothing).</summary>
    None,
    /// <summary>DOS/MBR table, possibly with an extended partition holding logical ones.</summary>
    Mbr,
    /// <summary>GUID partition table behind a protective MBR.</summary>
    Gpt,
}
