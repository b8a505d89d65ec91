namespace Xeno.Boot.Images;

/// <summary>
/// Where a stretch of a stream's bytes is stored, unchanged, in a host file: <see cref="Length"/>
/// bytes from <see cref="Offset"/> of <see cref="File"/>. <see cref="File"/> is null when the
/// bytes are not stored as they read (a hole, a zero or compressed cluster, a view of something
/// else); they must then be read through the stream.
/// </summary>
internal readonly record struct HostRange(FileStream? File, long Offset, long Length)
{
    /// <summary><paramref name="length"/> bytes that can only be read through the stream.</summary>
    public static HostRange Unmapped(long length) => new(null, 0, length);
}

/// <summary>
/// A read-only stream that can tell where its bytes live in a host file, so that a copy can be
/// done by the host kernel (copy_file_range) instead of through a user-space buffer.
/// </summary>
internal interface IHostMappedStream
{
    /// <summary>Where the bytes from <paramref name="offset"/> (inside the stream) live; covers 1..<paramref name="maxLength"/> bytes.</summary>
    HostRange Locate(long offset, long maxLength);
}

/// <summary>Follows views (partitions, files, virtual disks) down to the host file under them.</summary>
internal static class HostRanges
{
    /// <summary>
    /// Where <paramref name="stream"/>'s bytes from <paramref name="offset"/> live, at most
    /// <paramref name="maxLength"/> (≥ 1) of them. Ranges are only reported inside the host
    /// file's current length; anything else is left to the stream's own reads and checks.
    /// </summary>
    public static HostRange Locate(Stream stream, long offset, long maxLength)
    {
        switch (stream)
        {
            case FileStream file when file.CanSeek && file.CanRead:
                long inFile = file.Length - offset;
                return inFile <= 0 ? HostRange.Unmapped(maxLength) : new HostRange(file, offset, Math.Min(maxLength, inFile));
            case IHostMappedStream mapped:
                return mapped.Locate(offset, maxLength);
            default:
                return HostRange.Unmapped(maxLength);
        }
    }
}
