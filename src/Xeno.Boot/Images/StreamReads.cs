namespace Xeno.Boot.Images;

/// <summary>Positional reads on seekable streams that turn short reads into a <see cref="BootException"/>.</summary>
public static class StreamReads
{
    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>, or throws naming <paramref name="what"/>.</summary>
    public static void ReadExactlyAt(Stream stream, long offset, Span<byte> buffer, string what)
    {
        if (offset < 0 || offset > stream.Length - buffer.Length)
        {
            throw new BootException($"{what}: {buffer.Length} bytes at offset {offset} lie outside the {stream.Length}-byte device");
        }
        stream.Position = offset;
        int done = 0;
        while (done < buffer.Length)
        {
            int n = stream.Read(buffer[done..]);
            if (n == 0)
            {
                throw new BootException($"{what}: unexpected end of data at offset {offset + done}");
            }
            done += n;
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> into a new array.</summary>
    public static byte[] ReadBytesAt(Stream stream, long offset, int count, string what)
    {
        // Check the range before allocating, so a hostile size cannot make us allocate first and fail later.
        if (offset < 0 || count < 0 || offset > stream.Length - count)
        {
            throw new BootException($"{what}: {count} bytes at offset {offset} lie outside the {stream.Length}-byte device");
        }
        var bytes = new byte[count];
        ReadExactlyAt(stream, offset, bytes, what);
        return bytes;
    }

    /// <summary>Reads as many bytes as exist at <paramref name="offset"/> (fewer near the end), zero-filling the rest.</summary>
    public static int ReadAvailableAt(Stream stream, long offset, Span<byte> buffer)
    {
        buffer.Clear();
        if (offset >= stream.Length)
        {
            return 0;
        }
        stream.Position = offset;
        int done = 0;
        while (done < buffer.Length)
        {
            int n = stream.Read(buffer[done..]);
            if (n == 0)
            {
                break;
            }
            done += n;
        }
        return done;
    }
}
