using Xeno.Boot.Images;

namespace Xeno.Boot.Loaders;

/// <summary>
/// Copies the chosen kernel and ramdisk out of the guest filesystem, never more than a size
/// limit (guest disks are hostile). A ramdisk naming several files ("initrd /a /b", as grub2
/// and BLS allow) is their concatenation, which Linux unpacks in turn.
/// </summary>
public static class BootFiles
{
    /// <summary>pygrub's default limit for a deprivileged copy: 128 MiB.</summary>
    public const long DefaultMaxBytes = 128L << 20;

    /// <summary>True when <paramref name="path"/> (or each part of a multi-file ramdisk) exists.</summary>
    public static bool Exists(IGuestFileSystem fs, string path) =>
        fs.FileExists(path) || (Parts(path) is { Count: > 1 } parts && parts.All(fs.FileExists));

    /// <summary>Copies the file to <paramref name="destination"/>; returns the byte count.</summary>
    /// <exception cref="BootException">The file is missing, unreadable or larger than <paramref name="maxBytes"/>.</exception>
    public static long Copy(IGuestFileSystem fs, string path, Stream destination, long maxBytes = DefaultMaxBytes)
    {
        if (fs.FileExists(path)) return CopyOne(fs, path, destination, maxBytes);
        var parts = Parts(path);
        if (parts.Count < 2 || !parts.All(fs.FileExists))
            throw new BootException($"{path}: no such file in the guest filesystem");
        long total = 0;
        foreach (var part in parts) total += CopyOne(fs, part, destination, maxBytes - total);
        return total;
    }

    private static List<string> Parts(string path) => PyText.SplitWhitespace(path);

    private static long CopyOne(IGuestFileSystem fs, string path, Stream destination, long maxBytes)
    {
        using var source = fs.OpenFile(path);
        if (source.Length > maxBytes)
            throw new BootException($"{path}: {source.Length} bytes is more than the limit of {maxBytes} bytes");
        // The kernel moves what a raw image (or qcow2 cluster) stores as-is; see FileCopy.
        return FileCopy.Copy(source, destination, source.Length);
    }
}
