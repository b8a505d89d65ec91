using System.Globalization;
using System.Text;

namespace Xeno.Engine.Bench;

/// <summary>The fleet run's figures and the markdown section that explains them.</summary>
internal sealed class FleetReport(FleetSettings settings, Programs programs, int n)
{
    /// <summary>The issue's goal for xenod's own memory per running guest.</summary>
    private const double GoalMiBPerGuest = 2;

    /// <summary>Diagnoses of the guests that never showed their marker (empty when all did).</summary>
    public required List<string> Missing { get; init; }
    /// <summary>Domains xenod listed when the memory was read (the divisor of the per-guest figures).</summary>
    public required int RunningGuests { get; init; }
    public required int QemuCount { get; init; }
    public required double AloneSeconds { get; init; }
    public required List<double> CreateMs { get; init; }
    public required double CreateTotal { get; init; }
    public required double[] Ready { get; init; }
    public required double AllReady { get; init; }
    public required double DestroyTotal { get; init; }
    public required ListLatency IdleList { get; init; }
    public required ListLatency BusyList { get; init; }
    public required MemorySample Fresh { get; init; }
    public required MemorySample Idle { get; init; }
    public required MemorySample Running { get; init; }
    public required MemorySample AfterList { get; init; }
    public required MemorySample After { get; init; }
    public required List<MemorySample> Qemus { get; init; }
    /// <summary>xenod's descriptors and threads at 0, half and all guests, and after the destroys.</summary>
    public required List<(string When, int Guests, HandleSample Sample)> Handles { get; init; }
    public required List<BusyXlTiming> BusyXl { get; init; }
    public required int StaggerMs { get; init; }
    /// <summary>/proc/loadavg when the guests were destroyed (other work on the shared host included).</summary>
    public required string Load { get; init; }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static double MiB(long kib) => kib / 1024.0;

    /// <summary>The L3 (else L2) size as the kernel reports it, e.g. "107520K".</summary>
    private static string LastLevelCache()
    {
        foreach (var index in new[] { "index3", "index2" })
        {
            var path = $"/sys/devices/system/cpu/cpu0/cache/{index}/size";
            if (File.Exists(path))
                return (index == "index3" ? "L3 " : "L2 ") + File.ReadAllText(path).Trim().Replace("K", " KiB", StringComparison.Ordinal);
        }
        return "cache size unknown";
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        // Per running guest: the domains xenod had when the memory was read.
        int g = RunningGuests;
        md.Append(F($"## Domain engine: {n} guests started back to back against one xenod\n\n"));
        md.Append(F($"Method: xenod runs as its own process (`xenod run --prefix P`), and every command is a real `xl` process, "));
        md.Append(F($"both {programs.Description}. Each guest is the guest kit's Debian kernel and busybox initramfs, "));
        md.Append(F($"type={settings.Type}, memory={settings.MemoryMiB} MiB, 1 vCPU, TCG, started with `xl create -q` one after the other "));
        md.Append(StaggerMs > 0 ? F($"{StaggerMs} ms apart ") : "");
        md.Append(F($"without waiting for the previous guest to boot, so the boots overlap on the host's cores (load average {Load} at the end of the run)."));
        md.Append(" A guest is up when its init's ");
        md.Append("marker line appears in its console log (polled every 0.1 s). Before the fleet, one warm-up guest is created, booted, ");
        md.Append("listed and destroyed, so one-time costs (JIT, first QMP session, the API server's buffers) are not charged to the fleet; ");
        md.Append("its create-to-marker time, alone on the host, is the single-guest reference.\n\n");
        if (settings.MemoryMiB != 64)
        {
            md.Append(F($"Why {settings.MemoryMiB} MiB and not 64: the kit's Debian 6.1 kernel does not fit in 64 MiB. Its bzImage asks for "));
            md.Append("63.6 MiB of working space (init_size) above its 16 MiB load address, and the ELF kernel PVH boots ends at 74 MiB ");
            md.Append("physical; with 64 MiB a pv guest resets in a loop and a pvh guest hangs before its first console line. Tried on this ");
            md.Append("host: 64, 72, 80 and 84 MiB fail for pv, 64, 80 and 84 MiB for pvh; 88 MiB is the smallest size (in 4 MiB steps) at ");
            md.Append("which both reach the marker, but in earlier fleet runs 1 to 4 of 50 guests at 88 MiB never printed anything, hence ");
            md.Append("the default of 96.\n\n");
        }

        md.Append("| Start-up | value |\n|---|---:|\n");
        md.Append(F($"| {n} × `xl create`, back to back, total s | {CreateTotal:F1} |\n"));
        md.Append(F($"| one `xl create` (process start to exit), median / p90 / max s | {Stats.Median(CreateMs) / 1000:F2} / {Stats.Percentile(CreateMs, 90) / 1000:F2} / {CreateMs.Max() / 1000:F2} |\n"));
        var seen = Ready.Where(r => !double.IsNaN(r)).ToList();
        md.Append(F($"| first guest at its marker, s after the first create | {seen.DefaultIfEmpty(double.NaN).Min():F1} |\n"));
        md.Append(F($"| half of the guests at their marker, s | {Stats.Percentile(Ready.Select(r => double.IsNaN(r) ? double.PositiveInfinity : r).ToList(), 50):F1} |\n"));
        if (Missing.Count == 0)
        {
            md.Append(F($"| **all {n} guests at their marker, s** | **{AllReady:F1}** |\n"));
            md.Append(F($"| reference: one guest alone, create to marker, s | {AloneSeconds:F1} |\n"));
            md.Append(F($"| all {n} / ({n} × one alone): how well the boots share the host | {AllReady / (n * AloneSeconds):F2} |\n"));
        }
        else
        {
            md.Append(F($"| **guests at their marker: {seen.Count} of {n}; the last of them at, s** | **{seen.DefaultIfEmpty(double.NaN).Max():F1}** |\n"));
            md.Append(F($"| reference: one guest alone, create to marker, s | {AloneSeconds:F1} |\n"));
        }
        md.Append(F($"| {g} × `xl destroy`, one after the other, total s | {DestroyTotal:F1} |\n\n"));

        if (Missing.Count > 0)
        {
            md.Append(F($"{Missing.Count} guest(s) never showed the marker (the run gives up 3 minutes after the last new marker). "));
            md.Append("What could be seen of them:\n\n");
            foreach (var m in Missing)
                md.Append("- ").Append(m.Replace("|", "\\|", StringComparison.Ordinal)).Append('\n');
            md.Append('\n');
        }

        md.Append(F($"`xl list` latency, {BusyList.Process.Count} calls per row and state, the three ways interleaved (ms):\n\n"));
        md.Append(F($"| Call | idle: median | idle: p90 | {g} running: median | {g} running: p90 |\n|---|---:|---:|---:|---:|\n"));
        void Latency(string what, List<double> idle, List<double> busy) =>
            md.Append(F($"| {what} | {Stats.Median(idle):F1} | {Stats.Percentile(idle, 90):F1} | {Stats.Median(busy):F1} | {Stats.Percentile(busy, 90):F1} |\n"));
        Latency("`xl list`, whole process (runtime start-up, xl, the API call)", IdleList.Process, BusyList.Process);
        Latency("`xl list` in-process (xl's work and the API call, no start-up)", IdleList.InProcess, BusyList.InProcess);
        Latency("raw `GET /v1/domains` on xenod's socket (xenod's work)", IdleList.Api, BusyList.Api);
        md.Append('\n');

        var perGuest = (Running.RssKiB - Idle.RssKiB) / (double)g;
        var perGuestPss = (Running.PssKiB - Idle.PssKiB) / (double)g;
        md.Append("xenod's memory, read from /proc/PID/status (VmRSS, Threads) and /proc/PID/smaps_rollup (Pss):\n\n");
        md.Append("| xenod | RSS MiB | PSS MiB | threads |\n|---|---:|---:|---:|\n");
        void Row(string what, MemorySample m) => md.Append(F($"| {what} | {MiB(m.RssKiB):F1} | {MiB(m.PssKiB):F1} | {m.Threads} |\n"));
        Row("just started, no guest", Fresh);
        Row("after the warm-up guest (idle baseline)", Idle);
        Row(F($"{g} guests running ({QemuCount} QEMU processes), after the boots"), Running);
        Row(F($"… after the {BusyList.Process.Count * 3} list calls"), AfterList);
        Row("all guests destroyed", After);
        md.Append(F($"| peak RSS of the whole run (VmHWM) | {MiB(After.PeakRssKiB):F1} | | |\n\n"));

        var qemuRss = Qemus.Select(q => (double)q.RssKiB).ToList();
        var qemuPss = Qemus.Select(q => (double)q.PssKiB).ToList();
        md.Append("| Per running guest | value |\n|---|---:|\n");
        md.Append(F($"| **xenod RSS growth per guest, ({g} running − idle baseline) / {g}, MiB (goal < {GoalMiBPerGuest:F0})** | **{perGuest / 1024:F2}** |\n"));
        md.Append(F($"| xenod PSS growth per guest, MiB | {perGuestPss / 1024:F2} |\n"));
        md.Append(F($"| xenod RSS growth per guest counted from the fresh start (incl. one-time warm-up), MiB | {(Running.RssKiB - Fresh.RssKiB) / (double)g / 1024:F2} |\n"));
        md.Append(F($"| xenod threads per guest | {(Running.Threads - Idle.Threads) / (double)g:F2} |\n"));
        md.Append(F($"| QEMU's own RSS per guest, median MiB (guest RAM it touched + QEMU) | {Stats.Median(qemuRss) / 1024:F1} |\n"));
        md.Append(F($"| QEMU's own PSS per guest, median MiB | {Stats.Median(qemuPss) / 1024:F1} |\n"));
        md.Append(F($"| xenod's growth per guest / QEMU's RSS per guest | {perGuest / Stats.Median(qemuRss) * 100:F1} % |\n\n"));

        md.Append("xenod's file descriptors (/proc/PID/fd by kind) and threads (/proc/PID/task), and its open-file limit (/proc/PID/limits):\n\n");
        md.Append("| when | guests | fds | sockets | pipes | anon inodes (epoll, eventfd, timerfd) | files | threads | RLIMIT_NOFILE soft / hard |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var (when, guests, h) in Handles)
            md.Append(F($"| {when} | {guests} | {h.Fds} | {h.Sockets} | {h.Pipes} | {h.AnonInodes} | {h.Files} | {h.Threads} | {h.SoftLimit} / {h.HardLimit} |\n"));
        if (Handles.Count >= 2 && Handles.FirstOrDefault(h => h.When == "all guests running") is { Sample: not null } all && all.Guests > 0)
        {
            var idleH = Handles[0].Sample;
            md.Append(F($"\nPer running guest: {(all.Sample.Fds - idleH.Fds) / (double)all.Guests:F2} fds ({(all.Sample.Sockets - idleH.Sockets) / (double)all.Guests:F2} sockets), "));
            md.Append(F($"{(all.Sample.Threads - idleH.Threads) / (double)all.Guests:F2} threads.\n"));
        }
        md.Append('\n');
        if (BusyXl.Count > 0)
        {
            md.Append(F($"Other xl commands with {g} guests running, whole processes (ms):\n\n| command | calls | median | p90 |\n|---|---:|---:|---:|\n"));
            foreach (var b in BusyXl)
            {
                md.Append(b.Error is null
                    ? F($"| `xl {b.Command}` | {b.Milliseconds.Count} | {Stats.Median(b.Milliseconds):F1} | {Stats.Percentile(b.Milliseconds, 90):F1} |\n")
                    : F($"| `xl {b.Command}` | failed | {b.Error.Replace("|", "\\|", StringComparison.Ordinal)} | |\n"));
            }
            md.Append('\n');
        }

        md.Append(F($"Where xenod's resident memory is, by kind of mapping in /proc/PID/smaps (MiB; growth per guest in KiB):\n\n"));
        md.Append(F($"| Mapping kind | idle baseline | {g} running | growth per guest, KiB | destroyed |\n|---|---:|---:|---:|---:|\n"));
        foreach (var kind in MappingKind.All)
        {
            long a = Idle.RssByKind.GetValueOrDefault(kind), b = Running.RssByKind.GetValueOrDefault(kind), c = After.RssByKind.GetValueOrDefault(kind);
            md.Append(F($"| {kind} | {MiB(a):F1} | {MiB(b):F1} | {(b - a) / (double)g:F0} | {MiB(c):F1} |\n"));
        }
        md.Append('\n');

        md.Append("What the numbers mean: the create total is what an administrator waits for at the prompt; the marker times show ");
        md.Append(F($"how long the host needs to boot {n} guests at once under TCG (software emulation, so the boots compete for the "));
        md.Append("same cores; with hardware virtualization each boot is far cheaper). `xl list` as a process is dominated by the .NET ");
        md.Append("runtime's start-up; the in-process and raw API rows show xl's and xenod's own share and how they grow with the number ");
        md.Append("of guests. xenod's memory is what the host sees, with no forced garbage collection: the RSS includes the GC heap as ");
        md.Append("committed at that moment (live objects and garbage not yet collected, the \"GC heap\" row), so it is an upper bound for ");
        md.Append("what the guests keep alive in xenod; the \"destroyed\" column shows how much of it the runtime gives back once the guests ");
        md.Append("are gone. QEMU's RSS is the guest's touched RAM plus QEMU's own footprint (with direct kernel boot QEMU also keeps its own ");
        md.Append("copy of the kernel and initrd to reload them on reset, plus the TCG translation cache), the context the 2 MiB goal is measured against. ");
        md.Append(F($"The list calls' row shows that xenod's GC heap grows with API traffic, not with guests: .NET's workstation GC sizes its "));
        md.Append(F($"youngest generation's budget from the CPU's last-level cache ({LastLevelCache()} here), and garbage piles up to about that "));
        md.Append("much before the first collection.\n");
        return md.ToString();
    }
}
