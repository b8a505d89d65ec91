using Xeno.Boot.Images;

namespace Xeno.Boot.FileSystems.Iso;

/// <summary>An ISO9660 file as a read-only stream over its extents.</summary>
internal sealed class IsoFileStream(IsoFileSystem fs, IsoNode node) : ReadOnlyStream
{
    private readonly long _length = node.Size;

    public override long Length => _length;

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        int done = 0;
        long extentStart = 0;
        foreach (var extent in node.Extents)
        {
            if (done == buffer.Length)
            {
                break;
            }
            long pos = offset + done;
            if (pos < extentStart + extent.Length)
            {
                long within = pos - extentStart;
                int chunk = (int)Math.Min(buffer.Length - done, extent.Length - within);
                fs.ReadBlocks(extent.Block, within, buffer.Slice(done, chunk));
                done += chunk;
            }
            extentStart += extent.Length;
        }
        return done;
    }
}
