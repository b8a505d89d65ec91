using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>Block map of an extent-mapped inode: the whole tree is read once into a sorted list of leaf extents.</summary>
internal sealed class ExtentMap : IBlockMap
{
    private const ushort HeaderMagic = 0xF30A;
    private const int MaxDepth = 5;
    private const int MaxNodes = 65536;
    private const int MaxExtents = 1 << 20;
    private const ushort MaxInitializedLength = 32768;

    private readonly List<(ulong Logical, ulong Physical, ulong Count)> _extents = new();
    private readonly ExtFileSystem _fs;
    private readonly uint _inode;
    private int _nodes;

    public ExtentMap(ExtFileSystem fs, ExtInode inode)
    {
        _fs = fs;
        _inode = inode.Number;
        ReadNode(inode.BlockArea, expectedDepth: -1, where: "inode");
        _extents.Sort((a, b) => a.Logical.CompareTo(b.Logical));
        for (int i = 1; i < _extents.Count; i++)
        {
            if (_extents[i].Logical < _extents[i - 1].Logical + _extents[i - 1].Count)
            {
                throw Corrupt($"extents overlap at logical block {_extents[i].Logical}");
            }
        }
    }

    public BlockRun Map(ulong logical)
    {
        int lo = 0, hi = _extents.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (_extents[mid].Logical <= logical)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        if (found >= 0)
        {
            var e = _extents[found];
            if (logical < e.Logical + e.Count)
            {
                ulong skip = logical - e.Logical;
                return new BlockRun(e.Physical == 0 ? 0 : e.Physical + skip, e.Count - skip);
            }
        }
        ulong next = found + 1 < _extents.Count ? _extents[found + 1].Logical : ulong.MaxValue;
        return new BlockRun(0, next - logical);
    }

    private void ReadNode(ReadOnlySpan<byte> node, int expectedDepth, string where)
    {
        if (++_nodes > MaxNodes)
        {
            throw Corrupt($"extent tree has more than {MaxNodes} nodes");
        }
        if (node.Length < 12 || U16(node, 0) != HeaderMagic)
        {
            throw Corrupt($"bad extent header magic in {where}");
        }
        int entries = U16(node, 2);
        int max = U16(node, 4);
        int depth = U16(node, 6);
        if (entries > max || 12 + 12 * max > node.Length)
        {
            throw Corrupt($"extent header in {where} claims {entries} of {max} entries, more than fit");
        }
        if (depth > MaxDepth || (expectedDepth >= 0 && depth != expectedDepth))
        {
            throw Corrupt($"extent node in {where} has depth {depth}, expected {(expectedDepth >= 0 ? expectedDepth : MaxDepth)} or less");
        }
        for (int i = 0; i < entries; i++)
        {
            var e = node.Slice(12 + 12 * i, 12);
            ulong logical = U32(e, 0);
            if (depth == 0)
            {
                ushort len = U16(e, 4);
                bool uninitialized = len > MaxInitializedLength;
                ulong count = uninitialized ? (ulong)(len - MaxInitializedLength) : len;
                ulong physical = ((ulong)U16(e, 6) << 32) | U32(e, 8);
                if (count == 0)
                {
                    continue;
                }
                _fs.CheckBlockRange(physical, count, _inode);
                if (_extents.Count >= MaxExtents)
                {
                    throw Corrupt($"more than {MaxExtents} extents");
                }
                // Uninitialized (preallocated) extents read as zeros.
                _extents.Add((logical, uninitialized ? 0 : physical, count));
            }
            else
            {
                ulong child = ((ulong)U16(e, 8) << 32) | U32(e, 4);
                _fs.CheckBlockRange(child, 1, _inode);
                var block = _fs.ReadBlock(child, $"extent tree of inode {_inode}");
                ReadNode(block, depth - 1, $"extent block {child}");
            }
        }
    }

    private BootException Corrupt(string what) => new($"{_fs.Kind}: inode {_inode}: {what}");
}
