using System.Globalization;

namespace Xeno.Qemu.Processes;

/// <summary>The fields of /proc/&lt;pid&gt;/stat (or task/&lt;tid&gt;/stat) that the toolstack uses.</summary>
public sealed record ProcStat(int Pid, string Command, char State, int ParentPid, int SessionId, ulong UserTicks, ulong SystemTicks, ulong StartTicks)
{
    /// <summary>Linux reports these times in USER_HZ units, which is 100 on x86.</summary>
    public const int TicksPerSecond = 100;

    /// <summary>Stat field 39: the CPU the thread last ran on (0 when the kernel's line is shorter).</summary>
    public int LastCpu { get; init; }

    public TimeSpan CpuTime => TimeSpan.FromSeconds((UserTicks + SystemTicks) / (double)TicksPerSecond);

    /// <summary>Zombie ('Z') and dead ('X') entries are processes that have exited.</summary>
    public bool HasExited => State is 'Z' or 'X' or 'x';

    /// <summary>
    /// Parses one stat line. The command name may contain spaces and parentheses, so the fields
    /// start after the LAST ')'. Returns null for anything that is not a stat line.
    /// </summary>
    public static ProcStat? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int open = text.IndexOf('(', StringComparison.Ordinal);
        int close = text.LastIndexOf(')');
        if (open <= 0 || close < open)
            return null;
        if (!int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            return null;
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is stat field 3 (state); ppid 4, session 6, utime/stime 14/15, starttime 22, processor 39.
        if (fields.Length < 20 || fields[0].Length != 1)
            return null;
        if (!int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int ppid)
            || !int.TryParse(fields[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int session)
            || !ulong.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out ulong utime)
            || !ulong.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out ulong stime)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start))
        {
            return null;
        }
        int lastCpu = fields.Length > 36 && int.TryParse(fields[36], NumberStyles.None, CultureInfo.InvariantCulture, out int cpu) ? cpu : 0;
        return new ProcStat(pid, text[(open + 1)..close], fields[0][0], ppid, session, utime, stime, start) { LastCpu = lastCpu };
    }
}
