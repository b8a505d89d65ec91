namespace Xeno.Host.Cgroups;

/// <summary>The cgroup hierarchies of a host as /proc/self/mountinfo lists them.</summary>
public sealed record CgroupMounts(string? V1Cpu, string? V1Cpuset, string? Unified)
{
    /// <summary>
    /// Parses mountinfo text: field 5 is the mount point, after " - " come the type and the super
    /// options, which for a v1 hierarchy name its controllers ("rw,cpu,cpuacct"). Lines that do
    /// not have that shape are skipped (the kernel's format, read defensively).
    /// </summary>
    public static CgroupMounts Parse(string mountinfo)
    {
        string? cpu = null, cpuset = null, unified = null;
        foreach (var line in mountinfo.Split('\n'))
        {
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0)
                continue;
            var left = line[..sep].Split(' ');
            var right = line[(sep + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3)
                continue;
            var mountPoint = Unescape(left[4]);
            if (right[0] == "cgroup2")
                unified ??= mountPoint;
            else if (right[0] == "cgroup")
            {
                var options = right[2].Split(',');
                if (options.Contains("cpu"))
                    cpu ??= mountPoint;
                if (options.Contains("cpuset"))
                    cpuset ??= mountPoint;
            }
        }
        return new CgroupMounts(cpu, cpuset, unified);
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as \NNN octal.</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\'))
            return s;
        var b = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 4 <= s.Length && s.AsSpan(i + 1, 3).IndexOfAnyExcept("01234567") < 0)
            {
                b.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
                b.Append(s[i]);
        }
        return b.ToString();
    }
}
