namespace Xeno.Qemu.Kernel.Xz;

/// <summary>
/// The whole decompressed output, which doubles as LZMA's dictionary (the payload is decoded
/// in one piece, so back-references simply point into it). Grows up to a caller-set limit.
/// </summary>
internal sealed class OutputWindow(long limit)
{
    private byte[] _buffer = new byte[1 << 20];

    public int Length { get; private set; }

    /// <summary>Where the dictionary was last reset: matches may not reach behind it.</summary>
    public int DictionaryStart { get; set; }

    public byte[] Buffer => _buffer;

    public void Reserve(int more)
    {
        long needed = (long)Length + more;
        if (needed > limit)
            throw new XzFormatException($"xz data decompresses to more than the {limit}-byte limit");
        if (needed <= _buffer.Length)
            return;
        long size = _buffer.Length;
        while (size < needed)
            size *= 2;
        Array.Resize(ref _buffer, (int)Math.Min(size, Math.Min(limit, Array.MaxLength)));
    }

    public void Put(byte value) => _buffer[Length++] = value;

    public byte Back(int distance) => _buffer[Length - distance];

    /// <summary>Copies <paramref name="count"/> bytes from <paramref name="distance"/> back (may overlap).</summary>
    public void Copy(int distance, int count)
    {
        int from = Length - distance;
        var span = _buffer.AsSpan();
        if (distance >= count)
        {
            span.Slice(from, count).CopyTo(span[Length..]);
            Length += count;
            return;
        }
        for (int i = 0; i < count; i++)
            _buffer[Length++] = _buffer[from + i];
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        Reserve(data.Length);
        data.CopyTo(_buffer.AsSpan(Length));
        Length += data.Length;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();
}
