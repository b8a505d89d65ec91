using Xeno.Boot.Images;

namespace Xeno.Boot.FileSystems.Fat;

/// <summary>A FAT file as a read-only stream over its (already followed) cluster chain.</summary>
internal sealed class FatFileStream(FatFileSystem fs, List<uint> chain, long length) : ReadOnlyStream
{
    public override long Length => length;

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        long clusterBytes = fs.BootSector.ClusterBytes;
        int done = 0;
        while (done < buffer.Length)
        {
            long pos = offset + done;
            int index = (int)(pos / clusterBytes);
            long within = pos % clusterBytes;
            // Read neighbouring clusters that are also neighbours on disk in one go.
            int run = 1;
            while (index + run < chain.Count && chain[index + run] == chain[index] + run && run * clusterBytes - within < buffer.Length - done)
            {
                run++;
            }
            int chunk = (int)Math.Min(buffer.Length - done, run * clusterBytes - within);
            fs.ReadData(chain[index], within, buffer.Slice(done, chunk));
            done += chunk;
        }
        return done;
    }
}
