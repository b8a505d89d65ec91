namespace Xeno.Engine.Consoles;

/// <summary>
/// Rotates a console log by size while QEMU keeps writing it: copy name.log into name.log.1
/// (older copies shift to .2 … .N, the oldest is dropped), then truncate name.log in place.
/// QEMU opened the log with O_APPEND, so its next write lands at the new end of the file;
/// renaming instead would leave QEMU writing into the rotated copy. Bytes QEMU writes in the
/// instant between the last copy and the truncation are lost (the copytruncate trade-off).
/// </summary>
public sealed class ConsoleLogRotator
{
    public ConsoleLogRotator(string log, long maxBytes, int generations)
    {
        Log = log;
        MaxBytes = maxBytes;
        Generations = Math.Max(1, generations);
    }

    public string Log { get; }
    /// <summary>Size above which the log is rotated; 0 or less: never by size.</summary>
    public long MaxBytes { get; }
    public int Generations { get; }

    /// <summary>Rotates when the log has grown past <see cref="MaxBytes"/>; true when it did.</summary>
    public bool RotateIfNeeded()
    {
        if (MaxBytes <= 0)
            return false;
        var info = new FileInfo(Log);
        if (!info.Exists || info.Length <= MaxBytes)
            return false;
        Rotate();
        return true;
    }

    public void Rotate()
    {
        ShiftGenerations(Log, Generations);
        using var source = new FileStream(Log, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        using (var copy = new FileStream(Log + ".1", FileMode.CreateNew, FileAccess.Write))
        {
            // The copy is as private as the log QEMU created.
            if (OperatingSystem.IsLinux())
                File.SetUnixFileMode(copy.SafeFileHandle, File.GetUnixFileMode(source.SafeFileHandle));
            // Catch up with what QEMU appends while copying, then cut at once.
            var buffer = new byte[81920];
            int n;
            while ((n = source.Read(buffer)) > 0)
                copy.Write(buffer, 0, n);
        }
        source.SetLength(0);
    }

    /// <summary>name.log.(N-1) → .N … .1 → .2, dropping .N: frees name.log.1.</summary>
    public static void ShiftGenerations(string log, int generations)
    {
        File.Delete($"{log}.{generations}");
        for (int i = generations - 1; i >= 1; i--)
        {
            if (File.Exists($"{log}.{i}"))
                File.Move($"{log}.{i}", $"{log}.{i + 1}", overwrite: true);
        }
        File.Delete(log + ".1");
    }

    /// <summary>The last <paramref name="maxBytes"/> bytes of a log (empty if it does not exist).</summary>
    public static byte[] ReadTail(string log, int maxBytes)
    {
        try
        {
            using var f = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long start = Math.Max(0, f.Length - maxBytes);
            f.Position = start;
            var tail = new byte[f.Length - start];
            int got = 0, n;
            while (got < tail.Length && (n = f.Read(tail, got, tail.Length - got)) > 0)
                got += n;
            return got == tail.Length ? tail : tail[..got];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }
}
