using Xeno.Boot.Images;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>A regular file (or directory) of an ext filesystem as a read-only stream; holes read as zeros.</summary>
internal sealed class ExtFileStream : ReadOnlyStream, IHostMappedStream
{
    private readonly ExtFileSystem _fs;
    private readonly IBlockMap? _map;
    private readonly byte[]? _inline;
    private readonly long _length;

    public ExtFileStream(ExtFileSystem fs, ExtInode inode)
    {
        _fs = fs;
        _length = inode.Size > long.MaxValue ? long.MaxValue : (long)inode.Size;
        if (inode.HasInlineData)
        {
            _inline = InlineData.Read(inode, fs.Kind);
            _length = Math.Min(_length, _inline.Length);
        }
        else if (inode.HasExtents)
        {
            _map = new ExtentMap(fs, inode);
        }
        else
        {
            _map = new IndirectMap(fs, inode);
        }
    }

    public override long Length => _length;

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        if (_inline is not null)
        {
            _inline.AsSpan((int)offset, buffer.Length).CopyTo(buffer);
            return buffer.Length;
        }
        int blockSize = _fs.Superblock.BlockSize;
        int done = 0;
        while (done < buffer.Length)
        {
            long pos = offset + done;
            ulong logical = (ulong)pos / (ulong)blockSize;
            int within = (int)(pos % blockSize);
            var run = _map!.Map(logical);
            long runBytes = (long)Math.Min(run.Count, (ulong)(int.MaxValue / blockSize)) * blockSize - within;
            int chunk = (int)Math.Min(buffer.Length - done, runBytes);
            var target = buffer.Slice(done, chunk);
            if (run.Physical == 0)
            {
                target.Clear();
            }
            else
            {
                _fs.ReadBytes(checked((long)run.Physical * blockSize + within), target);
            }
            done += chunk;
        }
        return done;
    }

    public HostRange Locate(long offset, long maxLength)
    {
        maxLength = Math.Min(maxLength, _length - offset);
        if (_inline is not null || maxLength <= 0)
        {
            return HostRange.Unmapped(Math.Max(1, maxLength));
        }
        int blockSize = _fs.Superblock.BlockSize;
        ulong logical = (ulong)offset / (ulong)blockSize;
        int within = (int)(offset % blockSize);
        var run = _map!.Map(logical);
        long runBytes = run.Count > (ulong)(long.MaxValue / blockSize) ? long.MaxValue : (long)run.Count * blockSize - within;
        long chunk = Math.Min(maxLength, runBytes);
        if (run.Physical == 0)
        {
            return HostRange.Unmapped(chunk);
        }
        return _fs.LocateBytes(checked((long)run.Physical * blockSize + within), chunk);
    }
}
