using System.Text;

namespace Xeno.Qemu.Processes;

/// <summary>
/// Reads a small /proc file (a stat or statm line) with one open, one pread into a stack buffer
/// and one close: File.ReadAllText's FileStream and StreamReader cost more than the read itself,
/// and `xl list` reads one such file per vCPU and per domain on every call. Larger files go the
/// ordinary way.
/// </summary>
internal static class SmallProcFile
{
    private const int BufferBytes = 1024;

    /// <summary>The file's text, or null when it is gone or unreadable.</summary>
    public static string? Read(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Span<byte> buffer = stackalloc byte[BufferBytes];
            int total = 0;
            while (total < buffer.Length)
            {
                int n = RandomAccess.Read(handle, buffer[total..], total);
                if (n == 0)
                    return Encoding.UTF8.GetString(buffer[..total]);
                total += n;
            }
            return File.ReadAllText(path); // did not fit: a file this reader is not meant for
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }
}
