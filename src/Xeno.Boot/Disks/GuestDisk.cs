using Xeno.Boot.FileSystems;
using Xeno.Boot.Images;
using Xeno.Boot.Partitions;

namespace Xeno.Boot.Disks;

/// <summary>
/// A guest's disk opened read-only: its container format, its virtual disk, its partition table,
/// and the filesystems inside. This is the entry point a bootloader uses. Not thread-safe: use
/// one GuestDisk (and the filesystems it opened) from one thread at a time.
/// </summary>
public sealed class GuestDisk : IDisposable
{
    private GuestDisk(ImageFormat format, Stream disk, PartitionTable table)
    {
        Format = format;
        Disk = disk;
        Table = table;
    }

    /// <summary>Container format of the image file.</summary>
    public ImageFormat Format { get; }

    /// <summary>The virtual disk as the guest sees it (read-only, seekable).</summary>
    public Stream Disk { get; }

    public PartitionTable Table { get; }

    /// <summary>Partitions that can hold filesystems, in Linux number order; empty for a disk without a table.</summary>
    public IReadOnlyList<Partition> Partitions => Table.Partitions;

    /// <summary>
    /// Opens <paramref name="image"/> (raw or qcow2). The caller keeps ownership of
    /// <paramref name="image"/>; it must stay open while the disk is used.
    /// </summary>
    public static GuestDisk Open(Stream image, GuestDiskOptions? options = null)
    {
        options ??= new GuestDiskOptions();
        var format = DiskImage.Detect(image, options.Image.Name);
        var disk = DiskImage.Open(image, options.Image);
        try
        {
            return new GuestDisk(format, disk, PartitionTableReader.Read(disk));
        }
        catch
        {
            disk.Dispose();
            throw;
        }
    }

    /// <summary>The byte offsets Xen's pygrub would try, in its order (see <see cref="PygrubPartitionOrder"/>).</summary>
    public IReadOnlyList<long> PygrubOffsets(bool activeFirst = false, bool hybridIso = false) =>
        PygrubOffsets(PygrubOrderOptions.Xen417 with { ActiveFirst = activeFirst, HybridIso = hybridIso });

    /// <summary>The byte offsets pygrub tries, with the chosen departures from Xen 4.17 (reuses the table read at open).</summary>
    public IReadOnlyList<long> PygrubOffsets(PygrubOrderOptions options) =>
        PygrubPartitionOrder.Offsets(Disk, Table.PrimarySlots, options);

    /// <summary>The bytes of one partition.</summary>
    public Stream OpenPartition(Partition partition) => new SubStream(Disk, partition.Offset, partition.Length);

    /// <summary>Which filesystem a partition holds; throws a <see cref="BootException"/> naming what was found otherwise.</summary>
    public FileSystemType Identify(Partition partition) => FileSystemProbe.Identify(OpenPartition(partition));

    public IGuestFileSystem OpenFileSystem(Partition partition)
    {
        try
        {
            return FileSystemProbe.Open(OpenPartition(partition));
        }
        catch (BootException e)
        {
            throw new BootException($"partition {partition.Number} (offset {partition.Offset}): {e.Message}", e);
        }
    }

    /// <summary>Opens the filesystem starting <paramref name="offset"/> bytes into the disk (pygrub's --offset; 0 for a disk without a table).</summary>
    public IGuestFileSystem OpenFileSystemAt(long offset)
    {
        if (offset < 0 || offset >= Disk.Length)
        {
            throw new BootException($"offset {offset} lies outside the {Disk.Length}-byte disk");
        }
        try
        {
            return FileSystemProbe.Open(new SubStream(Disk, offset, Disk.Length - offset));
        }
        catch (BootException e)
        {
            throw new BootException($"offset {offset}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Every filesystem that opens, with its partition (null for the whole disk), skipping the
    /// ones that fail; a disk without a table yields its whole-disk filesystem, and a hybrid ISO
    /// its ISO9660 volume first.
    /// </summary>
    public IReadOnlyList<(Partition? Partition, IGuestFileSystem FileSystem)> FileSystems()
    {
        var found = new List<(Partition?, IGuestFileSystem)>();
        if (Table.Scheme == PartitionScheme.None)
        {
            found.Add((null, OpenFileSystemAt(0)));
            return found;
        }
        if (Table.IsoAtStart)
        {
            try
            {
                found.Add((null, OpenFileSystemAt(0)));
            }
            catch (BootException)
            {
                // Not a usable ISO after all; the partitions may still hold something.
            }
        }
        foreach (var partition in Partitions)
        {
            try
            {
                found.Add((partition, OpenFileSystem(partition)));
            }
            catch (BootException)
            {
                // Swap, LVM, unformatted: not a place to look for a kernel.
            }
        }
        return found;
    }

    public void Dispose() => Disk.Dispose();
}
