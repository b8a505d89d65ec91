namespace Xeno.Boot;

/// <summary>
/// A read-only view of one filesystem inside a guest disk: what a bootloader needs to find
/// its configuration and load a kernel. Paths are absolute, '/'-separated, relative to the
/// filesystem's own root. Symbolic links are followed (with a bound on depth).
/// Implementations throw <see cref="BootException"/> for corrupt or hostile structures.
/// </summary>
public interface IGuestFileSystem
{
    /// <summary>Short name of the filesystem type as found on disk, e.g. "ext4", "vfat", "iso9660".</summary>
    string Kind { get; }

    /// <summary>True when <paramref name="path"/> names an existing regular file.</summary>
    bool FileExists(string path);

    /// <summary>True when <paramref name="path"/> names an existing directory.</summary>
    bool DirectoryExists(string path);

    /// <summary>Names (not paths) of the entries of a directory, without "." and "..".</summary>
    IReadOnlyList<string> ListDirectory(string path);

    /// <summary>Opens a regular file for reading; the stream is seekable and knows its length.</summary>
    Stream OpenFile(string path);
}
