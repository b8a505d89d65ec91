using Xeno.Boot.Images;

namespace Xeno.Boot.FileSystems.Fat;

/// <summary>A read-only FAT12/16/32 volume with VFAT long names; names are matched without regard to case, as on Windows and Linux.</summary>
public sealed class FatFileSystem : TreeFileSystem<FatNode>
{
    private const long MaxDirectoryBytes = 16L << 20;
    private readonly Stream _device;
    private readonly FatNode _root;
    private readonly Dictionary<long, byte[]> _fatSectors = new();
    private readonly Dictionary<FatNode, List<FatNode>> _directories = new();

    public FatFileSystem(Stream device)
    {
        _device = device;
        BootSector = FatBootSector.Read(device);
        _root = new FatNode("", IsDirectory: true, BootSector.RootCluster, 0, IsRoot: true);
        if (BootSector.FatBits == 32)
        {
            CheckCluster(BootSector.RootCluster, "root directory");
        }
    }

    public FatBootSector BootSector { get; }

    public override string Kind => "vfat";

    protected override FatNode Root => _root;

    protected override NodeType TypeOf(FatNode node) => node.IsDirectory ? NodeType.Directory : NodeType.File;

    protected override FatNode? Lookup(FatNode directory, string name) =>
        Entries(directory).FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    protected override IReadOnlyList<string> List(FatNode directory) => Entries(directory).Select(e => e.Name).ToList();

    protected override string ReadLink(FatNode link) => throw new BootException("vfat: has no symbolic links");

    protected override Stream Open(FatNode file)
    {
        if (file.Size == 0)
        {
            return new MemoryStream([], writable: false);
        }
        long needed = (file.Size + BootSector.ClusterBytes - 1) / BootSector.ClusterBytes;
        var chain = Chain(file.FirstCluster, needed, exact: true, $"file '{file.Name}'");
        return new FatFileStream(this, chain, file.Size);
    }

    internal void ReadData(uint cluster, long within, Span<byte> target)
    {
        long offset = BootSector.DataOffset + (cluster - 2L) * BootSector.ClusterBytes + within;
        StreamReads.ReadExactlyAt(_device, offset, target, $"vfat: cluster {cluster}");
    }

    private List<FatNode> Entries(FatNode directory)
    {
        if (_directories.TryGetValue(directory, out var cached))
        {
            return cached;
        }
        byte[] data;
        if (directory.IsRoot && BootSector.FatBits != 32)
        {
            data = StreamReads.ReadBytesAt(_device, BootSector.RootDirectoryOffset, (int)BootSector.RootDirectoryBytes, "vfat: root directory");
        }
        else
        {
            long maxClusters = Math.Max(1, MaxDirectoryBytes / BootSector.ClusterBytes);
            var chain = Chain(directory.FirstCluster, maxClusters, exact: false, $"directory '{directory.Name}'");
            data = new byte[chain.Count * BootSector.ClusterBytes];
            for (int i = 0; i < chain.Count; i++)
            {
                ReadData(chain[i], 0, data.AsSpan((int)(i * BootSector.ClusterBytes), (int)BootSector.ClusterBytes));
            }
        }
        var entries = FatDirectoryParser.Parse(data, BootSector.FatBits == 32);
        if (_directories.Count >= 256)
        {
            _directories.Clear();
        }
        _directories[directory] = entries;
        return entries;
    }

    /// <summary>
    /// Follows a cluster chain. Files need exactly <paramref name="limit"/> clusters; directories
    /// end at the end-of-chain mark and may not exceed <paramref name="limit"/> (which also stops loops).
    /// </summary>
    private List<uint> Chain(uint first, long limit, bool exact, string what)
    {
        var chain = new List<uint>();
        uint cluster = first;
        while (true)
        {
            CheckCluster(cluster, what);
            chain.Add(cluster);
            if (exact && chain.Count == limit)
            {
                return chain;
            }
            if (chain.Count > limit || chain.Count > BootSector.ClusterCount)
            {
                throw new BootException($"vfat: cluster chain of {what} is longer than {limit} clusters (a loop?)");
            }
            uint next = FatEntry(cluster);
            if (IsEndOfChain(next))
            {
                if (exact)
                {
                    throw new BootException($"vfat: cluster chain of {what} ends after {chain.Count} of {limit} clusters");
                }
                return chain;
            }
            cluster = next;
        }
    }

    private bool IsEndOfChain(uint entry) => BootSector.FatBits switch
    {
        12 => entry >= 0xFF8,
        16 => entry >= 0xFFF8,
        _ => entry >= 0x0FFFFFF8,
    };

    private void CheckCluster(uint cluster, string what)
    {
        if (cluster < 2 || cluster >= BootSector.ClusterCount + 2)
        {
            throw new BootException($"vfat: cluster chain of {what} reaches invalid cluster {cluster}");
        }
    }

    private uint FatEntry(uint cluster)
    {
        switch (BootSector.FatBits)
        {
            case 12:
                {
                    long at = cluster + cluster / 2;
                    uint pair = (uint)(FatByte(at) | FatByte(at + 1) << 8);
                    return (cluster & 1) != 0 ? pair >> 4 : pair & 0xFFF;
                }
            case 16:
                return (uint)(FatByte(2L * cluster) | FatByte(2L * cluster + 1) << 8);
            default:
                {
                    long at = 4L * cluster;
                    uint v = (uint)(FatByte(at) | FatByte(at + 1) << 8 | FatByte(at + 2) << 16 | FatByte(at + 3) << 24);
                    return v & 0x0FFFFFFF;
                }
        }
    }

    private byte FatByte(long index)
    {
        int bps = BootSector.BytesPerSector;
        long sector = index / bps;
        if (!_fatSectors.TryGetValue(sector, out var data))
        {
            if (_fatSectors.Count >= 1024)
            {
                _fatSectors.Clear();
            }
            data = StreamReads.ReadBytesAt(_device, BootSector.FatOffset + sector * bps, bps, "vfat: allocation table");
            _fatSectors[sector] = data;
        }
        return data[index % bps];
    }
}
