using System.Text;
using Xeno.Boot.Disks;
using Xeno.Boot.FileSystems;
using Xeno.Boot.Partitions;

namespace Xeno.Boot.Conversion;

/// <summary>The guest's root filesystem as found on its disk, and the snapshot read from it.</summary>
/// <param name="Partition">Null for a filesystem on the whole disk.</param>
/// <param name="Offset">Byte offset of the filesystem in the disk.</param>
/// <param name="BootPartition">The separate /boot partition fstab names (its files are in the snapshot under /boot), or null.</param>
public sealed record GuestRoot(Partition? Partition, long Offset, string FileSystemKind, GuestSnapshot Snapshot, Partition? BootPartition = null);

/// <summary>
/// Reads what <see cref="ConversionPlanner"/> needs from a guest disk (through Xeno.Boot's own
/// read-only filesystem readers): the root filesystem is the first one holding /etc/fstab; where
/// that fstab mounts /boot from another partition of the disk, the files under /boot are read
/// from that partition (as the guest sees them, /boot mounted).
/// </summary>
public static class GuestSnapshotReader
{
    /// <summary>Config files larger than this are not config files: refuse rather than load them.</summary>
    public const int MaxFileBytes = 4 << 20;

    public static GuestRoot Read(GuestDisk disk)
    {
        foreach (var (partition, fs) in disk.FileSystems())
        {
            if (!fs.FileExists(ConversionPlanner.Fstab)) continue;
            var files = new Dictionary<string, string>();
            var uuids = PartitionUuids(disk);
            var bootPartition = SeparateBoot.Find(ReadText(fs, ConversionPlanner.Fstab), disk, uuids);
            var bootFs = bootPartition is null ? null : disk.FileSystems().FirstOrDefault(f => f.Partition == bootPartition).FileSystem
                ?? throw new ConversionRefusedException($"/etc/fstab mounts /boot from partition {bootPartition.Number}, which holds no filesystem Xeno reads");
            foreach (var path in ConversionPlanner.FilesToRead)
            {
                if (bootFs is not null && path.StartsWith("/boot/", StringComparison.Ordinal))
                {
                    if (bootFs.FileExists(path[5..])) files[path] = ReadText(bootFs, path[5..]);
                }
                else if (fs.FileExists(path)) files[path] = ReadText(fs, path);
            }
            var gettys = new HashSet<string>();
            if (fs.DirectoryExists(GettyEditor.SystemdWants))
            {
                foreach (var name in fs.ListDirectory(GettyEditor.SystemdWants))
                {
                    if (name.StartsWith("serial-getty@", StringComparison.Ordinal) && name.EndsWith(".service", StringComparison.Ordinal))
                        gettys.Add(name["serial-getty@".Length..^".service".Length]);
                }
            }
            var snapshot = new GuestSnapshot
            {
                Files = files,
                EnabledSerialGettys = gettys,
                HasSystemdSerialGetty = fs.FileExists(GettyEditor.SystemdTemplate) || fs.FileExists("/usr" + GettyEditor.SystemdTemplate),
                PartitionUuids = uuids,
            };
            return new GuestRoot(partition, partition?.Offset ?? 0, fs.Kind, snapshot, bootPartition);
        }
        throw new ConversionRefusedException("no recognisable Linux system on the disk: no filesystem holds /etc/fstab");
    }

    internal static string ReadText(IGuestFileSystem fs, string path)
    {
        using var stream = fs.OpenFile(path);
        if (stream.Length > MaxFileBytes)
            throw new ConversionRefusedException($"{path} is {stream.Length} bytes, more than a config file can be ({MaxFileBytes})");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return new UTF8Encoding(false, false).GetString(memory.ToArray());
    }

    /// <summary>The UUID of each ext2/3/4 partition (what blkid and UUID= in fstab name).</summary>
    internal static Dictionary<int, string> PartitionUuids(GuestDisk disk) => FromSuperblocks(disk, superblock => ExtUuid.FromSuperblock(superblock));

    /// <summary>
    /// What <paramref name="read"/> finds in each partition's 1024 bytes at offset 1024 (where
    /// ext2/3/4 keep their superblock); partitions too short or unreadable give nothing, and
    /// names of them are then left alone.
    /// </summary>
    internal static Dictionary<int, string> FromSuperblocks(GuestDisk disk, Func<byte[], string?> read)
    {
        var found = new Dictionary<int, string>();
        foreach (var partition in disk.Partitions)
        {
            try
            {
                using var stream = disk.OpenPartition(partition);
                var superblock = new byte[1024];
                stream.Position = 1024;
                stream.ReadExactly(superblock);
                if (read(superblock) is { } value) found[partition.Number] = value;
            }
            catch (Exception e) when (e is IOException or BootException or EndOfStreamException)
            {
                // Too short or unreadable: nothing for it.
            }
        }
        return found;
    }
}

/// <summary>The filesystem UUID of an ext2/3/4 superblock, as blkid prints it.</summary>
public static class ExtUuid
{
    private const int MagicOffset = 0x38;
    private const int UuidOffset = 0x68;

    /// <summary>Null when <paramref name="superblock"/> (the 1024 bytes at offset 1024) is not ext's, or its UUID is all zero.</summary>
    public static string? FromSuperblock(ReadOnlySpan<byte> superblock)
    {
        if (superblock.Length < UuidOffset + 16) return null;
        if (superblock[MagicOffset] != 0x53 || superblock[MagicOffset + 1] != 0xEF) return null;
        var bytes = superblock.Slice(UuidOffset, 16);
        if (bytes.IndexOfAnyExcept((byte)0) < 0) return null;
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
