using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>Block map of a classic ext2/3 inode: 12 direct blocks, then single, double and triple indirect blocks.</summary>
internal sealed class IndirectMap : IBlockMap
{
    private const int Direct = 12;
    private readonly ExtFileSystem _fs;
    private readonly uint _inode;
    private readonly uint[] _top = new uint[15];
    private readonly ulong _perBlock;
    private readonly Dictionary<ulong, byte[]> _cache = new();

    public IndirectMap(ExtFileSystem fs, ExtInode inode)
    {
        _fs = fs;
        _inode = inode.Number;
        for (int i = 0; i < 15; i++)
        {
            _top[i] = U32(inode.BlockArea, 4 * i);
        }
        _perBlock = (ulong)fs.Superblock.BlockSize / 4;
    }

    public BlockRun Map(ulong logical)
    {
        ulong first = Lookup(logical);
        // Extend the run while the following logical blocks are physically adjacent (bounded probe).
        ulong count = 1;
        while (count < 1024 && first != 0 && Lookup(logical + count) == first + count)
        {
            count++;
        }
        if (first == 0)
        {
            while (count < 1024 && Lookup(logical + count) == 0)
            {
                count++;
            }
        }
        return new BlockRun(first, count);
    }

    private ulong Lookup(ulong logical)
    {
        if (logical < Direct)
        {
            return Checked(_top[logical]);
        }
        logical -= Direct;
        ulong p = _perBlock;
        if (logical < p)
        {
            return Walk(_top[12], logical, 1);
        }
        logical -= p;
        if (logical < p * p)
        {
            return Walk(_top[13], logical, 2);
        }
        logical -= p * p;
        if (logical < p * p * p)
        {
            return Walk(_top[14], logical, 3);
        }
        return 0;
    }

    private ulong Walk(uint block, ulong index, int levels)
    {
        ulong current = block;
        for (int level = levels - 1; level >= 0; level--)
        {
            if (current == 0)
            {
                return 0;
            }
            Checked(current);
            var table = Indirect(current);
            ulong span = 1;
            for (int k = 0; k < level; k++)
            {
                span *= _perBlock;
            }
            current = U32(table, (int)(index / span * 4));
            index %= span;
        }
        return Checked(current);
    }

    private ulong Checked(ulong block)
    {
        if (block != 0)
        {
            _fs.CheckBlockRange(block, 1, _inode);
        }
        return block;
    }

    private byte[] Indirect(ulong block)
    {
        if (!_cache.TryGetValue(block, out var table))
        {
            if (_cache.Count >= 64)
            {
                _cache.Clear();
            }
            table = _fs.ReadBlock(block, $"indirect block of inode {_inode}");
            _cache[block] = table;
        }
        return table;
    }
}
