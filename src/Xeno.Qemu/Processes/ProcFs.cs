namespace Xeno.Qemu.Processes;

/// <summary>Side effect: reads /proc (root configurable for tests of the readers).</summary>
public sealed class ProcFs(string root = "/proc")
{
    public static ProcFs Host { get; } = new();

    public string Root { get; } = root;

    public ProcStat? Stat(int pid) => Read(Path.Combine(Root, Num(pid), "stat"));

    public ProcStat? ThreadStat(int pid, int tid) => Read(Path.Combine(Root, Num(pid), "task", Num(tid), "stat"));

    /// <summary>
    /// A process's resident memory in KiB (statm's resident pages: the same counters as VmRSS in
    /// its status, from a one-line file), or null when it is gone.
    /// </summary>
    public long? ResidentKb(int pid)
    {
        var fields = SmallProcFile.Read(Path.Combine(Root, Num(pid), "statm"))?.Split(' ');
        return fields is { Length: >= 2 } && long.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long pages)
            ? pages * (Environment.SystemPageSize / 1024)
            : null;
    }

    /// <summary>The CPUs a thread may run on (Cpus_allowed_list of its status), or null when it is gone or unreadable.</summary>
    public IReadOnlySet<int>? ThreadAllowedCpus(int pid, int tid)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(Root, Num(pid), "task", Num(tid), "status")))
            {
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
                    return Xeno.Host.KernelCpuList.TryParse(line["Cpus_allowed_list:".Length..].Trim(), out var cpus) ? cpus : null;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The process's argument vector, or null when it is gone.</summary>
    public IReadOnlyList<string>? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText(Path.Combine(Root, Num(pid), "cmdline"));
            return raw.TrimEnd('\0').Split('\0'); // each argument ends with a NUL
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ProcStat? Read(string path) => SmallProcFile.Read(path) is { } text ? ProcStat.TryParse(text) : null;

    private static string Num(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
