namespace Xeno.Engine.Bench;

/// <summary>
/// The domain engine benchmark: boot-to-marker times vs bare QEMU (BootBench) and many guests
/// against one xenod process (FleetBench), `xl list`/`xl top` with many paused domains
/// (PausedFleetBench), the toolstack's latency with one hung QEMU among
/// them (HungBench), how exactly cpu_weight and cap are enforced (SchedBench), disk throughput in a
/// guest, PV vs emulated IDE vs bare QEMU (Disk/DiskBench), and the real Debian
/// image's boot to its login prompt, pv vs hvm (DebianBootBench), the autoinstaller to first login (DebianInstallBench) and the PV <-> HVM conversion (DebianConvertBench). Writes the markdown sections to --out.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: Xeno.Engine.Bench --out FILE.md [--quick] [--runs N] [--only boot|fleet|paused|hung|sched|debian|install|convert|disk]\n" +
        "         [--guests N] [--guest-memory MIB] [--guest-type pv|pvh] [--list-calls N] [--programs DIR]\n" +
        "         [--stagger-ms N] [--reserve-mib N] [--busy-xl \"top -b -i 1\"]...\n";

    private static async Task<int> Main(string[] args)
    {
        string? outFile = null, only = null, programsDir = null;
        bool quick = false;
        int runs = 10;
        int? guests = null, listCalls = null;
        int guestMemory = 96; // 88 MiB is the smallest the kit's kernel boots in, but not reliably (see FleetReport)
        string guestType = "pvh";
        int staggerMs = 0, reserveMiB = 2048;
        var busyXl = new List<string>();
        bool ok = BenchArguments.TryRead(args, Usage, (arg, read) =>
        {
            switch (arg)
            {
                case "--out": outFile = read.Value(); break;
                case "--quick": quick = true; break;
                case "--runs": runs = read.Number(); break;
                case "--only": only = read.Value(); break;
                case "--guests": guests = read.Number(); break;
                case "--guest-memory": guestMemory = read.Number(); break;
                case "--guest-type": guestType = read.Value(); break;
                case "--list-calls": listCalls = read.Number(); break;
                case "--programs": programsDir = read.Value(); break;
                case "--stagger-ms": staggerMs = read.Number(); break;
                case "--reserve-mib": reserveMiB = read.Number(); break;
                case "--busy-xl": busyXl.Add(read.Value()); break;
                default: throw read.Unknown();
            }
        });
        if (!ok)
            return 2;
        if (outFile is null || only is not (null or "boot" or "fleet" or "hung" or "sched" or "debian" or "install" or "convert" or "disk" or "paused") || guestType is not ("pv" or "pvh"))
        {
            Console.Error.Write(Usage);
            return 2;
        }
        if (quick) runs = 1;

        var kit = GuestKit.Build();
        var sections = new List<string>();
        if (only is null or "boot")
            sections.Add(await BootBench.RunAsync(kit, runs, quick));
        if (only is null or "fleet" or "paused" or "hung" or "sched")
        {
            // The full run measures the programs as installed (ReadyToRun); the smoke run skips the publish.
            var published = programsDir is null && !quick ? Directory.CreateTempSubdirectory("xep-").FullName : null;
            try
            {
                var programs = programsDir is not null ? Programs.From(programsDir)
                    : published is not null ? Programs.Publish(published)
                    : Programs.BuildOutput();
                if (only is null or "fleet")
                {
                    var settings = new FleetSettings(guests ?? (quick ? 10 : 100), guestMemory, guestType, listCalls ?? (quick ? 10 : 50),
                        staggerMs, reserveMiB, busyXl);
                    sections.Add(await new FleetBench(kit, programs, settings).RunAsync());
                }
                if (only is null or "paused")
                    sections.Add(await new PausedFleetBench(programs, guests ?? (quick ? 10 : 100), guestMemory, listCalls ?? (quick ? 5 : 20), reserveMiB).RunAsync());
                if (only is null or "hung")
                    sections.Add(await new HungBench(kit, programs, new HungSettings(quick ? 3 : 20, guestMemory, runs)).RunAsync());
                if (only is null or "sched")
                    sections.Add(await new SchedBench(kit, programs, quick ? 1 : Math.Min(runs, 5)).RunAsync());
            }
            finally
            {
                if (published is not null)
                    Directory.Delete(published, recursive: true);
            }
        }
        if (only is null or "disk")
            sections.Add(await new Disk.DiskBench(kit, quick ? 1 : Math.Min(runs, 3), quick).RunAsync());
        // The real Debian image: a few minutes per boot under TCG, so at most 3 pairs (quick: 1).
        if (only is null or "debian")
            sections.Add(await DebianBootBench.RunAsync(Math.Min(runs, 3)));
        // The autoinstaller to first login: a helper boot and a Debian boot per run, so at most 2 (quick: 1).
        if (only is null or "install")
            sections.Add(await DebianInstallBench.RunAsync(kit, quick ? 1 : Math.Min(runs, 2)));
        // PV <-> HVM conversion: two helper boots per run, so at most 3 runs (quick: 1).
        if (only is null or "convert")
            sections.Add(await DebianConvertBench.RunAsync(kit, quick ? 1 : Math.Min(runs, 3)));
        var md = string.Join('\n', sections);
        await File.WriteAllTextAsync(outFile, md);
        Console.Write(md);
        return 0;
    }
}
