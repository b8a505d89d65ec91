namespace Xeno.Boot.Images;

/// <summary>A read-only window [start, start+length) of another seekable stream, e.g. one partition of a disk.</summary>
public sealed class SubStream : ReadOnlyStream, IHostMappedStream
{
    private readonly Stream _inner;
    private readonly long _start;
    private readonly long _length;

    public SubStream(Stream inner, long start, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _inner = inner;
        _start = start;
        _length = length;
    }

    public override long Length => _length;

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        long innerOffset = _start + offset;
        if (innerOffset >= _inner.Length)
        {
            return 0;
        }
        _inner.Position = innerOffset;
        return _inner.Read(buffer);
    }

    HostRange IHostMappedStream.Locate(long offset, long maxLength) =>
        offset < _length
            ? HostRanges.Locate(_inner, _start + offset, Math.Min(maxLength, _length - offset))
            : HostRange.Unmapped(maxLength);
}
