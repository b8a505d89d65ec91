using Xeno.Boot.FileSystems;
using Xeno.Boot.Images;

namespace Xeno.Boot.Loaders;

/// <summary>
/// The in-process bootloader xenod calls: a disk image (raw or qcow2) in, the chosen kernel,
/// ramdisk and command line out, with the files copied to caller-supplied streams.
/// Keep it open while extracting; disposing closes the virtual disk (not the image stream).
/// </summary>
public sealed class GuestBoot : IDisposable
{
    private readonly Stream _disk;

    private GuestBoot(Stream disk, BootChoice choice)
    {
        _disk = disk;
        Choice = choice;
    }

    public BootChoice Choice { get; }

    /// <summary>Opens the image and chooses what to boot, as pygrub would.</summary>
    /// <exception cref="BootSearchException">No partition gave a kernel.</exception>
    /// <exception cref="BootException">The image itself cannot be read.</exception>
    public static GuestBoot Open(Stream imageFile, BootRequest request, DiskImageOptions? options = null)
    {
        var disk = DiskImage.Open(imageFile, options);
        try
        {
            return new GuestBoot(disk, PygrubBootloader.Choose(disk, offset => OpenFileSystemAt(disk, offset), request));
        }
        catch
        {
            disk.Dispose();
            throw;
        }
    }

    /// <summary>The filesystem starting <paramref name="offset"/> bytes into the virtual disk.</summary>
    public static IGuestFileSystem OpenFileSystemAt(Stream disk, long offset)
    {
        if (offset < 0 || offset >= disk.Length)
            throw new BootException($"offset {offset} lies outside the {disk.Length}-byte disk");
        return FileSystemProbe.Open(new SubStream(disk, offset, disk.Length - offset));
    }

    public long ExtractKernel(Stream destination, long maxBytes = BootFiles.DefaultMaxBytes) =>
        BootFiles.Copy(Choice.FileSystem, Choice.Kernel, destination, maxBytes);

    /// <summary>Copies the ramdisk; 0 when the entry has none.</summary>
    public long ExtractRamdisk(Stream destination, long maxBytes = BootFiles.DefaultMaxBytes) =>
        Choice.Ramdisk is null ? 0 : BootFiles.Copy(Choice.FileSystem, Choice.Ramdisk, destination, maxBytes);

    public void Dispose() => _disk.Dispose();
}
