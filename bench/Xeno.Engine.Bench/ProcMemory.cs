using System.Globalization;

namespace Xeno.Engine.Bench;

/// <summary>One process's memory as the host sees it, from /proc (KiB).</summary>
internal sealed record MemorySample(long RssKiB, long PssKiB, long PeakRssKiB, int Threads, IReadOnlyDictionary<string, long> RssByKind)
{
    public static MemorySample Read(int pid)
    {
        var status = Fields(File.ReadAllLines($"/proc/{pid}/status"));
        long pss = -1;
        var rollup = $"/proc/{pid}/smaps_rollup";
        if (File.Exists(rollup))
            pss = Fields(File.ReadAllLines(rollup)).GetValueOrDefault("Pss", -1);
        return new MemorySample(status["VmRSS"], pss, status["VmHWM"], (int)status["Threads"], SmapsKinds(pid));
    }

    public static MemorySample Sum(IEnumerable<MemorySample> samples)
    {
        var list = samples.ToList();
        var kinds = new Dictionary<string, long>();
        foreach (var s in list)
            foreach (var (k, v) in s.RssByKind)
                kinds[k] = kinds.GetValueOrDefault(k) + v;
        return new MemorySample(list.Sum(s => s.RssKiB), list.Sum(s => s.PssKiB), list.Sum(s => s.PeakRssKiB), list.Sum(s => s.Threads), kinds);
    }

    /// <summary>"Name:   123 kB" lines (and "Threads: 14") as numbers.</summary>
    private static Dictionary<string, long> Fields(IEnumerable<string> lines)
    {
        var d = new Dictionary<string, long>();
        foreach (var line in lines)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var value = line[(colon + 1)..].Trim();
            if (value.EndsWith(" kB", StringComparison.Ordinal)) value = value[..^3];
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                d[line[..colon]] = n;
        }
        return d;
    }

    /// <summary>Resident KiB per kind of mapping, so growth can be attributed from outside the process.</summary>
    private static Dictionary<string, long> SmapsKinds(int pid)
    {
        var maps = new List<Mapping>();
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            if (Mapping.TryParseHeader(line) is { } m)
                maps.Add(m);
            else if (line.StartsWith("Rss:", StringComparison.Ordinal) && maps.Count > 0)
                maps[^1].RssKiB = long.Parse(line[4..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        }
        var kinds = new Dictionary<string, long>();
        // Anonymous mappings are classified by the contiguous run they belong to: the GC and glibc
        // reserve big ranges and commit (and split) pieces of them.
        for (int i = 0; i < maps.Count;)
        {
            if (maps[i].Path.Length > 0)
            {
                var kind = MappingKind.OfPath(maps[i].Path);
                kinds[kind] = kinds.GetValueOrDefault(kind) + maps[i].RssKiB;
                i++;
                continue;
            }
            int j = i + 1;
            while (j < maps.Count && maps[j].Path.Length == 0 && maps[j].Start == maps[j - 1].End) j++;
            var runKind = MappingKind.OfAnonymousRun(maps[i].Start, maps[j - 1].End);
            kinds[runKind] = kinds.GetValueOrDefault(runKind) + maps.Skip(i).Take(j - i).Sum(m => m.RssKiB);
            i = j;
        }
        return kinds;
    }

    private sealed class Mapping(ulong start, ulong end, string path)
    {
        public ulong Start { get; } = start;
        public ulong End { get; } = end;
        public string Path { get; } = path;
        public long RssKiB { get; set; }

        /// <summary>"start-end perms offset dev inode [path]"; null for the "Name: value" lines.</summary>
        public static Mapping? TryParseHeader(string line)
        {
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 5) return null;
            var range = parts[0].Split('-');
            if (range.Length != 2 ||
                !ulong.TryParse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start) ||
                !ulong.TryParse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
                return null;
            return new Mapping(start, end, parts.Length == 6 ? parts[5].Trim() : "");
        }
    }
}

/// <summary>Kinds of resident memory, told apart by what /proc/PID/smaps shows of a mapping.</summary>
internal static class MappingKind
{
    public const string GcHeap = "GC heap (anonymous run of >= 1 GiB: the runtime's reserved range)";
    public const string Anonymous = "other anonymous (malloc arenas of threads, thread stacks, runtime data)";
    public const string Jit = "JIT code (doublemapper memfd)";
    public const string Malloc = "main malloc heap [heap]";
    public const string Files = "mapped files (runtime, assemblies, libraries)";
    public const string Other = "other ([stack], [vdso], ...)";

    public static IReadOnlyList<string> All { get; } = [GcHeap, Anonymous, Jit, Malloc, Files, Other];

    public static string OfPath(string path) =>
        path.StartsWith("/memfd:doublemapper", StringComparison.Ordinal) ? Jit
        : path == "[heap]" ? Malloc
        : path.StartsWith('/') ? Files
        : Other;

    /// <summary>
    /// The GC reserves one huge range and commits pieces of it (which splits the mapping), so a
    /// contiguous anonymous run of >= 1 GiB is the GC heap. glibc's per-thread arenas and thread
    /// stacks are often adjacent to each other, so they are not told apart.
    /// </summary>
    public static string OfAnonymousRun(ulong start, ulong end) => end - start >= 1UL << 30 ? GcHeap : Anonymous;
}
