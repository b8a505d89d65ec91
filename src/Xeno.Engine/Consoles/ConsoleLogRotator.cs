namespace Xeno.Engine.Consoles;

/// <summary>
/// The console log's generations (name.log.1 … .N) and its tail. Rotation by size while QEMU
/// writes the log is <see cref="ConsoleLogFollower.Rotate"/>'s, in step with the hub's reading.
/// </summary>
public static class ConsoleLogRotator
{
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
