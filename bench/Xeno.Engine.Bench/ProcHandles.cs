using System.Globalization;

namespace Xeno.Engine.Bench;

/// <summary>
/// A process's open file descriptors by kind, its threads and its RLIMIT_NOFILE, from /proc: what
/// grows with the number of guests besides memory (a leak or a per-guest socket shows here).
/// </summary>
internal sealed record HandleSample(int Fds, int Sockets, int Pipes, int AnonInodes, int Files, int Threads, long SoftLimit, long HardLimit)
{
    public static HandleSample Read(int pid)
    {
        int sockets = 0, pipes = 0, anon = 0, files = 0, total = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            string target;
            try
            {
                target = new FileInfo(fd).LinkTarget ?? "";
            }
            catch (IOException)
            {
                continue; // closed between the listing and the readlink
            }
            total++;
            if (target.StartsWith("socket:", StringComparison.Ordinal)) sockets++;
            else if (target.StartsWith("pipe:", StringComparison.Ordinal)) pipes++;
            else if (target.StartsWith("anon_inode:", StringComparison.Ordinal)) anon++;
            else files++;
        }
        int threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
        var (soft, hard) = NoFile(File.ReadAllLines($"/proc/{pid}/limits"));
        return new HandleSample(total, sockets, pipes, anon, files, threads, soft, hard);
    }

    /// <summary>The "Max open files  soft  hard  files" line; "unlimited" reads as -1.</summary>
    internal static (long Soft, long Hard) NoFile(IEnumerable<string> limits)
    {
        foreach (var line in limits)
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                continue;
            var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            static long Value(string s) => s == "unlimited" ? -1 : long.Parse(s, CultureInfo.InvariantCulture);
            return (Value(parts[0]), Value(parts[1]));
        }
        throw new InvalidDataException("no \"Max open files\" line in /proc/PID/limits");
    }
}
