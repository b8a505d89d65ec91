using System.Text;
using Xeno.Boot.Images;
using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Iso;

/// <summary>
/// A read-only ISO9660 volume. Names come from Rock Ridge when the primary tree carries it,
/// else from a Joliet supplementary tree, else plain ISO names (version ";1" and trailing dot removed).
/// </summary>
public sealed class IsoFileSystem : TreeFileSystem<IsoNode>
{
    public const long VolumeDescriptorStart = 16 * 2048;
    private const int MaxDescriptors = 64;
    private const long MaxDirectoryBytes = 16L << 20;
    private const int MaxContinuations = 16;

    private readonly Stream _device;
    private readonly IsoNode _root;
    private readonly int _blockSize;
    private readonly int _suspSkip;
    private readonly Dictionary<IsoExtent, List<IsoNode>> _directories = new();

    public IsoFileSystem(Stream device)
    {
        _device = device;
        byte[]? primary = null;
        byte[]? joliet = null;
        for (int i = 0; i < MaxDescriptors; i++)
        {
            var vd = StreamReads.ReadBytesAt(device, VolumeDescriptorStart + i * 2048L, 2048, "iso9660: volume descriptor");
            if (!vd.AsSpan(1, 5).SequenceEqual("CD001"u8))
            {
                break;
            }
            if (vd[0] == 255)
            {
                break;
            }
            if (vd[0] == 1 && primary is null)
            {
                primary = vd;
            }
            else if (vd[0] == 2 && vd[88] == 0x25 && vd[89] == 0x2F && vd[90] is 0x40 or 0x43 or 0x45)
            {
                joliet ??= vd;
            }
        }
        if (primary is null)
        {
            throw new BootException("iso9660: no primary volume descriptor");
        }
        _blockSize = U16(primary, 128);
        if (_blockSize is not (512 or 1024 or 2048))
        {
            throw new BootException($"iso9660: logical block size {_blockSize} is invalid");
        }
        var primaryRoot = RootNode(primary);
        var (hasRockRidge, skip) = DetectRockRidge(primaryRoot);
        _suspSkip = skip;
        if (hasRockRidge)
        {
            Names = IsoNames.RockRidge;
            _root = primaryRoot;
        }
        else if (joliet is not null)
        {
            Names = IsoNames.Joliet;
            _root = RootNode(joliet);
        }
        else
        {
            Names = IsoNames.Plain;
            _root = primaryRoot;
        }
    }

    /// <summary>Which naming the volume is read with.</summary>
    public IsoNames Names { get; }

    public override string Kind => "iso9660";

    protected override IsoNode Root => _root;

    protected override NodeType TypeOf(IsoNode node) => node.Type;

    protected override IsoNode? Lookup(IsoNode directory, string name)
    {
        var comparison = Names == IsoNames.RockRidge ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return Entries(directory).FirstOrDefault(e => string.Equals(e.Name, name, comparison));
    }

    protected override IReadOnlyList<string> List(IsoNode directory) => Entries(directory).Select(e => e.Name).ToList();

    protected override string ReadLink(IsoNode link) => link.LinkTarget ?? throw new BootException($"iso9660: '{link.Name}' has no link target");

    protected override Stream Open(IsoNode file) => new IsoFileStream(this, file);

    internal void ReadBlocks(long block, long within, Span<byte> target) =>
        StreamReads.ReadExactlyAt(_device, checked(block * _blockSize + within), target, $"iso9660: block {block}");

    private IsoNode RootNode(byte[] descriptor)
    {
        var record = descriptor.AsSpan(156, 34);
        return new IsoNode("", NodeType.Directory, [new IsoExtent(U32(record, 2), U32(record, 10))], null);
    }

    private (bool RockRidge, int Skip) DetectRockRidge(IsoNode root)
    {
        var first = new byte[_blockSize];
        ReadBlocks(root.Extents[0].Block, 0, first);
        int length = first[0];
        int nameLength = first[32];
        if (length < 34 || 33 + nameLength > length)
        {
            throw new BootException("iso9660: root directory does not start with a valid '.' record");
        }
        int su = 33 + nameLength + (nameLength % 2 == 0 ? 1 : 0);
        var rr = new RockRidgeEntries();
        if (su < length)
        {
            rr.Parse(first.AsSpan(su, length - su));
        }
        int skip = rr.HasSharingProtocol && su + 6 < length ? first[su + 6] : 0;
        return (rr.HasSharingProtocol, skip);
    }

    private List<IsoNode> Entries(IsoNode directory)
    {
        var key = directory.Extents[0];
        if (_directories.TryGetValue(key, out var cached))
        {
            return cached;
        }
        if (directory.Size > MaxDirectoryBytes)
        {
            throw new BootException($"iso9660: directory '{directory.Name}' is {directory.Size} bytes, over the {MaxDirectoryBytes}-byte limit");
        }
        var data = new byte[directory.Size];
        using (var stream = new IsoFileStream(this, directory))
        {
            stream.ReadExactly(data);
        }
        var nodes = new List<IsoNode>();
        List<IsoExtent>? pendingExtents = null;
        for (int blockStart = 0; blockStart < data.Length; blockStart += _blockSize)
        {
            int blockEnd = Math.Min(data.Length, blockStart + _blockSize);
            int pos = blockStart;
            while (pos < blockEnd && data[pos] != 0)
            {
                int length = data[pos];
                if (length < 34 || pos + length > blockEnd)
                {
                    throw new BootException($"iso9660: directory '{directory.Name}' has a corrupt record at offset {pos}");
                }
                var record = data.AsSpan(pos, length);
                pos += length;
                int nameLength = record[32];
                if (33 + nameLength > length)
                {
                    throw new BootException($"iso9660: directory '{directory.Name}' has a record whose name overruns it");
                }
                var rawName = record.Slice(33, nameLength);
                if (nameLength == 1 && rawName[0] is 0 or 1)
                {
                    continue;
                }
                byte flags = record[25];
                (pendingExtents ??= new()).Add(new IsoExtent(U32(record, 2), U32(record, 10)));
                if ((flags & 0x80) != 0)
                {
                    continue; // multi-extent file: more records with the same name follow
                }
                var extents = pendingExtents;
                pendingExtents = null;
                var node = MakeNode(record, rawName, (flags & 0x02) != 0, extents);
                if (node is not null)
                {
                    nodes.Add(node);
                }
            }
        }
        if (_directories.Count >= 256)
        {
            _directories.Clear();
        }
        _directories[key] = nodes;
        return nodes;
    }

    private IsoNode? MakeNode(ReadOnlySpan<byte> record, ReadOnlySpan<byte> rawName, bool isDirectory, List<IsoExtent> extents)
    {
        var type = isDirectory ? NodeType.Directory : NodeType.File;
        string name;
        string? link = null;
        if (Names == IsoNames.RockRidge)
        {
            var rr = ReadSystemUse(record, rawName.Length);
            if (rr.Relocated)
            {
                return null; // shown where its "CL" entry points instead
            }
            name = rr.Name ?? PlainName(rawName);
            if (rr.ChildLink is { } child)
            {
                type = NodeType.Directory;
                extents = [RelocatedDirectory(child)];
            }
            else if (rr.LinkTarget is not null || (rr.Mode is { } mode && (mode & 0xF000) == 0xA000))
            {
                type = NodeType.Symlink;
                link = rr.LinkTarget ?? "";
            }
            else if (rr.Mode is { } m && (m & 0xF000) is not (0x8000 or 0x4000))
            {
                type = NodeType.Other;
            }
        }
        else if (Names == IsoNames.Joliet)
        {
            name = StripVersion(Encoding.BigEndianUnicode.GetString(rawName[..(rawName.Length & ~1)]));
        }
        else
        {
            name = PlainName(rawName);
        }
        return new IsoNode(name, type, extents, link);
    }

    private RockRidgeEntries ReadSystemUse(ReadOnlySpan<byte> record, int nameLength)
    {
        var rr = new RockRidgeEntries();
        int su = 33 + nameLength + (nameLength % 2 == 0 ? 1 : 0) + _suspSkip;
        if (su < record.Length)
        {
            rr.Parse(record[su..]);
        }
        for (int hop = 0; rr.Continuation is { } ce; hop++)
        {
            if (hop >= MaxContinuations || ce.Length > _blockSize || ce.Offset + ce.Length > _blockSize)
            {
                throw new BootException($"iso9660: Rock Ridge continuation area at block {ce.Block} is invalid or loops");
            }
            var area = new byte[ce.Length];
            ReadBlocks(ce.Block, ce.Offset, area);
            rr.Parse(area);
        }
        return rr;
    }

    private IsoExtent RelocatedDirectory(long block)
    {
        var first = new byte[34];
        ReadBlocks(block, 0, first);
        if (first[0] < 34)
        {
            throw new BootException($"iso9660: relocated directory at block {block} has no '.' record");
        }
        return new IsoExtent(U32(first, 2), U32(first, 10));
    }

    private static string PlainName(ReadOnlySpan<byte> raw)
    {
        string name = StripVersion(Encoding.ASCII.GetString(raw));
        return name.EndsWith('.') ? name[..^1] : name;
    }

    private static string StripVersion(string name)
    {
        int semicolon = name.LastIndexOf(';');
        return semicolon >= 0 ? name[..semicolon] : name;
    }
}

/// <summary>The naming scheme an ISO9660 volume is read with.</summary>
public enum IsoNames
{
    Plain,
    Joliet,
    RockRidge,
}
