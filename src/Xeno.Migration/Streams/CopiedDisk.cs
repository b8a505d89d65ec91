namespace Xeno.Migration.Streams;

/// <summary>
/// A local disk xl migrate --copy-storage mirrors to the target: the target creates
/// <see cref="Path"/> empty with the same format and virtual size, exports it over NBD as
/// <see cref="Drive"/> (QEMU's drive id, the same on both QEMUs), and the source's QEMU mirrors into it.
/// </summary>
public sealed record CopiedDisk(string Vdev, string Drive, string Path, string Format, long VirtualSize)
{
    /// <summary>The formats QEMU's images have in Xeno (docs/domain-json.md).</summary>
    public static bool IsKnownFormat(string format) => format is "raw" or "qcow2";
}
