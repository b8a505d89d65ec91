using System.Text;
using Xeno.Boot.Images;
using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>A read-only ext2/ext3/ext4 filesystem on a device stream.</summary>
public sealed class ExtFileSystem : TreeFileSystem<ExtInode>
{
    public const uint RootInode = 2;
    private const long MaxDirectoryBytes = 64L << 20;
    private const int MaxSymlinkBytes = 4096;
    private const int CacheLimit = 4096;

    private readonly Stream _device;
    private readonly Dictionary<ulong, ulong> _inodeTables = new();
    private readonly Dictionary<uint, ExtInode> _inodes = new();
    private readonly Dictionary<uint, List<(string Name, uint Inode)>> _directories = new();
    private readonly ExtInode _root;

    public ExtFileSystem(Stream device)
    {
        _device = device;
        Superblock = ExtSuperblock.Read(device);
        _root = ReadInode(RootInode);
        if (_root.Type != NodeType.Directory)
        {
            throw new BootException($"{Kind}: root inode is not a directory");
        }
    }

    public ExtSuperblock Superblock { get; }

    public override string Kind => Superblock.Kind;

    protected override ExtInode Root => _root;

    protected override NodeType TypeOf(ExtInode node) => node.Type;

    protected override ExtInode? Lookup(ExtInode directory, string name)
    {
        foreach (var entry in Entries(directory))
        {
            if (entry.Name == name)
            {
                return ReadInode(entry.Inode);
            }
        }
        return null;
    }

    protected override IReadOnlyList<string> List(ExtInode directory) => Entries(directory).Select(e => e.Name).ToList();

    protected override string ReadLink(ExtInode link)
    {
        if (link.Size > MaxSymlinkBytes)
        {
            throw new BootException($"{Kind}: symbolic link inode {link.Number} is {link.Size} bytes long");
        }
        int size = (int)link.Size;
        byte[] target;
        if (link.HasInlineData)
        {
            target = InlineData.Read(link, Kind);
        }
        else if (!link.HasExtents && size < ExtInode.BlockAreaSize)
        {
            target = link.BlockArea.ToArray(); // fast symlink: the target sits in the block area
        }
        else
        {
            using var stream = new ExtFileStream(this, link);
            target = new byte[size];
            stream.ReadExactly(target);
        }
        if (target.Length < size)
        {
            throw new BootException($"{Kind}: symbolic link inode {link.Number} is shorter than its size");
        }
        return Encoding.UTF8.GetString(target, 0, size);
    }

    protected override Stream Open(ExtInode file)
    {
        if ((file.Flags & ExtInode.FlagEncrypt) != 0)
        {
            throw new BootException($"{Kind}: inode {file.Number} is encrypted");
        }
        return new ExtFileStream(this, file);
    }

    internal void CheckBlockRange(ulong first, ulong count, uint inode)
    {
        if (first == 0 || first >= Superblock.BlocksCount || count > Superblock.BlocksCount - first)
        {
            throw new BootException($"{Kind}: inode {inode} refers to blocks {first}..{first + count - 1} outside the filesystem ({Superblock.BlocksCount} blocks)");
        }
    }

    internal byte[] ReadBlock(ulong block, string what)
    {
        var data = new byte[Superblock.BlockSize];
        StreamReads.ReadExactlyAt(_device, checked((long)block * Superblock.BlockSize), data, $"{Kind}: {what} (block {block})");
        return data;
    }

    internal void ReadBytes(long offset, Span<byte> target) =>
        StreamReads.ReadExactlyAt(_device, offset, target, $"{Kind}: file data");

    /// <summary>Where the device's bytes at <paramref name="offset"/> live in a host file (see <see cref="HostRanges"/>).</summary>
    internal HostRange LocateBytes(long offset, long length) => HostRanges.Locate(_device, offset, length);

    internal ExtInode ReadInode(uint number)
    {
        if (_inodes.TryGetValue(number, out var cached))
        {
            return cached;
        }
        var sb = Superblock;
        if (number == 0 || number > sb.InodesCount)
        {
            throw new BootException($"{Kind}: inode number {number} out of range 1..{sb.InodesCount}");
        }
        ulong group = (number - 1) / sb.InodesPerGroup;
        ulong index = (number - 1) % sb.InodesPerGroup;
        ulong table = InodeTable(group);
        ulong byteOffset = table * (ulong)sb.BlockSize + index * (ulong)sb.InodeSize;
        if (table >= sb.BlocksCount || byteOffset > (ulong)long.MaxValue)
        {
            throw new BootException($"{Kind}: inode table of group {group} at block {table} lies outside the filesystem");
        }
        var raw = new byte[sb.InodeSize];
        StreamReads.ReadExactlyAt(_device, (long)byteOffset, raw, $"{Kind}: inode {number}");
        var inode = new ExtInode(number, raw);
        if (_inodes.Count >= CacheLimit)
        {
            _inodes.Clear();
        }
        _inodes[number] = inode;
        return inode;
    }

    private ulong InodeTable(ulong group)
    {
        if (_inodeTables.TryGetValue(group, out var cached))
        {
            return cached;
        }
        var sb = Superblock;
        if (group >= sb.GroupCount)
        {
            throw new BootException($"{Kind}: block group {group} out of range (filesystem has {sb.GroupCount})");
        }
        ulong perBlock = (ulong)(sb.BlockSize / sb.DescriptorSize);
        ulong descriptorBlock = group / perBlock;
        ulong block;
        if (!sb.HasMetaBg || descriptorBlock < sb.FirstMetaBg)
        {
            block = sb.FirstDataBlock + 1 + descriptorBlock;
        }
        else
        {
            // meta_bg: each meta group keeps its descriptors in its own first group.
            ulong firstGroup = descriptorBlock * perBlock;
            block = sb.FirstDataBlock + firstGroup * sb.BlocksPerGroup + (GroupHasSuperblock(firstGroup) ? 1UL : 0UL);
        }
        if (block >= sb.BlocksCount)
        {
            throw new BootException($"{Kind}: group descriptor block {block} lies outside the filesystem");
        }
        Span<byte> desc = stackalloc byte[sb.DescriptorSize];
        long at = checked((long)block * sb.BlockSize + (long)(group % perBlock) * sb.DescriptorSize);
        StreamReads.ReadExactlyAt(_device, at, desc, $"{Kind}: group descriptor {group}");
        ulong table = U32(desc, 0x8);
        if (sb.Has64Bit && sb.DescriptorSize >= 64)
        {
            table |= (ulong)U32(desc, 0x28) << 32;
        }
        if (table == 0 || table >= sb.BlocksCount)
        {
            throw new BootException($"{Kind}: inode table of group {group} at block {table} lies outside the filesystem");
        }
        if (_inodeTables.Count >= CacheLimit)
        {
            _inodeTables.Clear();
        }
        _inodeTables[group] = table;
        return table;
    }

    private bool GroupHasSuperblock(ulong group)
    {
        if (group <= 1 || (Superblock.FeatureRoCompat & ExtSuperblock.RoCompatSparseSuper) == 0)
        {
            return true;
        }
        foreach (ulong b in (ulong[])[3, 5, 7])
        {
            ulong p = b;
            while (p < group)
            {
                p *= b;
            }
            if (p == group)
            {
                return true;
            }
        }
        return false;
    }

    private List<(string Name, uint Inode)> Entries(ExtInode directory)
    {
        if (_directories.TryGetValue(directory.Number, out var cached))
        {
            return cached;
        }
        var entries = new List<(string Name, uint Inode)>();
        bool fileType = Superblock.HasFileType;
        if (directory.HasInlineData)
        {
            var data = InlineData.Read(directory, Kind);
            // 4 bytes of parent inode number, then entries up to the end of the block area, then the attribute part.
            ExtDirectoryParser.ParseBlock(data.AsSpan(4, ExtInode.BlockAreaSize - 4), fileType, directory.Number, 0, Kind, entries);
            ExtDirectoryParser.ParseBlock(data.AsSpan(ExtInode.BlockAreaSize), fileType, directory.Number, 1, Kind, entries);
        }
        else
        {
            if (directory.Size > MaxDirectoryBytes)
            {
                throw new BootException($"{Kind}: directory inode {directory.Number} is {directory.Size} bytes, over the {MaxDirectoryBytes}-byte limit");
            }
            int blockSize = Superblock.BlockSize;
            var block = new byte[blockSize];
            using var stream = new ExtFileStream(this, directory);
            long blocks = stream.Length / blockSize;
            for (long b = 0; b < blocks; b++)
            {
                stream.Position = b * blockSize;
                stream.ReadExactly(block);
                ExtDirectoryParser.ParseBlock(block, fileType, directory.Number, b, Kind, entries);
            }
        }
        if (_directories.Count >= 256)
        {
            _directories.Clear();
        }
        _directories[directory.Number] = entries;
        return entries;
    }
}
