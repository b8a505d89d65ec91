namespace Xeno.Boot.Images;

/// <summary>
/// Base for the read-only, seekable views this library hands out (virtual disks, partitions,
/// files inside filesystems). Subclasses only implement <see cref="ReadAt"/>.
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    private long _position;

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => true;
    public sealed override bool CanWrite => false;

    public sealed override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; never beyond <see cref="Stream.Length"/>.</summary>
    protected abstract int ReadAt(long offset, Span<byte> buffer);

    public sealed override int Read(Span<byte> buffer)
    {
        long remaining = Length - _position;
        if (remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }
        if (buffer.Length > remaining)
        {
            buffer = buffer[..(int)remaining];
        }
        int n = ReadAt(_position, buffer);
        _position += n;
        return n;
    }

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public sealed override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        Position = target;
        return target;
    }

    public sealed override void Flush() { }
    public sealed override void SetLength(long value) => throw new NotSupportedException("guest disks are opened read-only");
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("guest disks are opened read-only");
}
