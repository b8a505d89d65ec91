using Xeno.Engine.Consoles.Interop;

namespace Xeno.Engine.Consoles;

/// <summary>
/// Follows QEMU's console log from an offset: the hub's source of guest output. QEMU's
/// virtio-console drops output it cannot write to the chardev socket at once (EAGAIN), but its
/// chardev logs those bytes all the same, so the log is the one complete copy. Also rotates the
/// log by size, in step with reading it, so no byte is skipped or sent twice.
/// </summary>
internal sealed class ConsoleLogFollower : IDisposable
{
    private readonly string _path;
    private FileStream? _file;
    private long _offset;

    public ConsoleLogFollower(string path) => _path = path;

    /// <summary>Where the next read starts in the live log.</summary>
    public long Offset => _offset;

    /// <summary>Size of the live log (0 while it does not exist).</summary>
    public long Length => Open()?.Length ?? 0;

    /// <summary>Starts at the log's current end; returns up to <paramref name="tailBytes"/> before it.</summary>
    public byte[] StartAtEnd(int tailBytes)
    {
        if (Open() is not { } file)
            return [];
        long end = file.Length;
        long start = Math.Max(0, end - tailBytes);
        var tail = new byte[end - start];
        int got = 0, n;
        while (got < tail.Length && (n = RandomAccess.Read(file.SafeFileHandle, tail.AsSpan(got), start + got)) > 0)
            got += n;
        _offset = start + got;
        return got == tail.Length ? tail : tail[..got];
    }

    /// <summary>The next bytes after <see cref="Offset"/>; 0 at the end (or while there is no log).</summary>
    public int Read(Span<byte> buffer)
    {
        if (Open() is not { } file)
            return 0;
        int n = RandomAccess.Read(file.SafeFileHandle, buffer, _offset);
        if (n == 0 && file.Length < _offset)
        {
            // Cut by someone else (an external copytruncate): QEMU (O_APPEND) now writes from 0.
            _offset = 0;
            n = RandomAccess.Read(file.SafeFileHandle, buffer, 0);
        }
        _offset += n;
        return n;
    }

    /// <summary>
    /// Moves the live log's content to name.log.1 (older copies shift, the oldest goes). Call at
    /// the end of the log (after <see cref="Read"/> returned 0): the whole granules already read
    /// are collapsed out of the file, which QEMU keeps appending to, so nothing is lost. Where
    /// the filesystem cannot collapse (tmpfs) or less than a granule was read, falls back to
    /// copy-then-truncate; bytes QEMU appends while copying go to <paramref name="deliver"/>
    /// (and into the copy); only a write in the instant before the truncation can be lost.
    /// </summary>
    public RotationKind Rotate(int generations, Action<ReadOnlySpan<byte>> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (Open() is not { } file)
            return RotationKind.None;
        ConsoleLogRotator.ShiftGenerations(_path, generations);
        using var copy = new FileStream(_path + ".1", FileMode.CreateNew, FileAccess.Write);
        // The copy is as private as the log QEMU created.
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(copy.SafeFileHandle, File.GetUnixFileMode(file.SafeFileHandle));
        var buffer = new byte[81920];
        // The kernel refuses a collapse that reaches the end of the file: keep at least one byte.
        long cut = Math.Min(_offset, file.Length - 1) / FileRanges.Granule * FileRanges.Granule;
        if (cut > 0)
        {
            CopyRange(file, 0, cut, copy, buffer);
            copy.Flush();
            if (FileRanges.TryCollapseFront(file.SafeFileHandle, cut, out _))
            {
                _offset -= cut;
                return RotationKind.Collapsed;
            }
        }
        long copied = cut;
        int n;
        while ((n = RandomAccess.Read(file.SafeFileHandle, buffer, copied)) > 0)
        {
            copy.Write(buffer, 0, n);
            long from = Math.Max(copied, _offset);
            if (copied + n > from)
            {
                deliver(buffer.AsSpan((int)(from - copied), (int)(copied + n - from)));
                _offset = copied + n;
            }
            copied += n;
        }
        file.SetLength(0);
        _offset = 0;
        return RotationKind.Truncated;
    }

    private static void CopyRange(FileStream file, long from, long to, FileStream copy, byte[] buffer)
    {
        while (from < to)
        {
            int n = RandomAccess.Read(file.SafeFileHandle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - from)), from);
            if (n == 0)
                throw new IOException($"{file.Name} shrank while it was being rotated");
            copy.Write(buffer, 0, n);
            from += n;
        }
    }

    private FileStream? Open()
    {
        if (_file is not null)
            return _file;
        try
        {
            // Write access: rotation collapses or truncates the file in place.
            _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return _file;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}

/// <summary>How a rotation went: nothing to rotate, collapsed in place (lossless), or copy-then-truncate.</summary>
internal enum RotationKind
{
    None,
    Collapsed,
    Truncated,
}
