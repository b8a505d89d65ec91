using Xeno.Boot.Interop;

namespace Xeno.Boot.Images;

/// <summary>
/// Copies a stream into a file. Bytes stored as-is in a host file (a raw image, allocated qcow2
/// clusters) are moved by the host kernel: copy_file_range(2), or sendfile(2) when the two files
/// are on different filesystems. Everything else (holes, compressed clusters, other streams,
/// other systems) goes through a buffer. Either way the bytes written are the stream's.
/// </summary>
internal static class FileCopy
{
    private const int ChunkBytes = 1 << 20;

    private enum Method
    {
        CopyFileRange,
        SendFile,
        Buffer,
    }

    /// <summary>Copies <paramref name="length"/> bytes from the start of <paramref name="source"/> to <paramref name="destination"/>'s position; returns how many (fewer only when the source ends early).</summary>
    public static long Copy(Stream source, Stream destination, long length)
    {
        var target = destination is FileStream { CanSeek: true } file ? file : null;
        long start = target?.Position ?? 0;
        var method = target is not null && source is IHostMappedStream && OperatingSystem.IsLinux() ? Method.CopyFileRange : Method.Buffer;
        byte[]? buffer = null;
        long done = 0;
        while (done < length)
        {
            var range = method == Method.Buffer ? HostRange.Unmapped(length - done) : HostRanges.Locate(source, done, length - done);
            long n = range.File is null ? 0 : Move(ref method, range, target!, start + done);
            if (n <= 0)
            {
                // Not stored as-is, or the kernel declined: this stretch goes through the stream,
                // whose own reads name any problem (e.g. data past the image's end).
                if (target is not null)
                {
                    target.Position = start + done;
                }
                buffer ??= new byte[(int)Math.Min(ChunkBytes, length - done)];
                n = Buffered(source, done, Math.Min(range.Length, buffer.Length), destination, buffer);
                if (n == 0)
                {
                    break;
                }
            }
            done += n;
        }
        if (target is not null)
        {
            target.Position = start + done;
        }
        return done;
    }

    /// <summary>One kernel copy; on failure tries the next method (copy_file_range, then sendfile); 0 when none is left or the source file ended.</summary>
    private static long Move(ref Method method, HostRange range, FileStream target, long targetOffset)
    {
        while (method != Method.Buffer)
        {
            long n = method == Method.CopyFileRange
                ? LinuxFiles.CopyFileRange(range.File!.SafeFileHandle, range.Offset, target.SafeFileHandle, targetOffset, range.Length)
                : LinuxFiles.SendFile(range.File!.SafeFileHandle, range.Offset, target.SafeFileHandle, targetOffset, range.Length);
            if (n >= 0)
            {
                return n;
            }
            method = method == Method.CopyFileRange ? Method.SendFile : Method.Buffer;
        }
        return 0;
    }

    private static int Buffered(Stream source, long offset, long count, Stream destination, byte[] buffer)
    {
        source.Position = offset;
        int n = source.Read(buffer, 0, (int)count);
        if (n > 0)
        {
            destination.Write(buffer, 0, n);
        }
        return n;
    }
}
