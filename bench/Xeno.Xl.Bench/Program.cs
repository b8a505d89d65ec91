using Xeno.Engine.Bench;

namespace Xeno.Xl.Bench;

/// <summary>
/// `xl list` whole-process time, Native AOT against ReadyToRun, in one run against one xenod:
/// no guests, a few guests, and (with --fleet N, heavy) N guests. Writes a markdown section to --out.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: Xeno.Xl.Bench --out FILE.md [--quick] [--runs N] [--guests N] [--fleet N]\n" +
        "         [--guest-memory MIB] [--programs DIR] [--baseline DIR [--paused]]\n" +
        "  --runs N      rounds per scenario (each round runs every xl build once; default 40)\n" +
        "  --guests N    the 'few guests' scenario (default 3; 0 skips it)\n" +
        "  --fleet N     also grow to N guests and race again (heavy: N QEMUs under TCG)\n" +
        "  --programs D  use D/xenod/xenod, D/xl-aot/xl, D/xl-r2r/xl instead of publishing\n" +
        "  --baseline D  instead: race this tree's xenod + AOT xl against D/xenod/xenod + D/xl-aot/xl,\n" +
        "                each with --fleet N (or --guests N) domains of its own\n" +
        "  --paused      with --baseline: the domains are created paused and not booted\n";

    private static async Task<int> Main(string[] args)
    {
        string? outFile = null, programsDir = null, baselineDir = null;
        bool quick = false, paused = false;
        int runs = 40, guests = 3, fleet = 0, memory = 112;
        bool ok = BenchArguments.TryRead(args, Usage, (arg, read) =>
        {
            switch (arg)
            {
                case "--out": outFile = read.Value(); break;
                case "--quick": quick = true; break;
                case "--runs": runs = read.Number(); break;
                case "--guests": guests = read.Number(); break;
                case "--fleet": fleet = read.Number(); break;
                case "--guest-memory": memory = read.Number(); break;
                case "--programs": programsDir = read.Value(); break;
                case "--baseline": baselineDir = read.Value(); break;
                case "--paused": paused = true; break;
                default: throw read.Unknown();
            }
        });
        if (!ok)
            return 2;
        if (outFile is null || runs < 1 || (fleet > 0 && fleet < guests))
        {
            Console.Error.Write(Usage);
            return 2;
        }
        if (quick) { runs = 5; guests = Math.Min(guests, 1); fleet = 0; }

        var published = programsDir is null ? Directory.CreateTempSubdirectory("xlb-").FullName : null;
        // Short root: QEMU's unix socket paths under the prefix are limited to 107 bytes.
        var root = Directory.CreateTempSubdirectory("xlr-").FullName;
        var prefix = Path.Combine(root, "p");
        Directory.CreateDirectory(prefix);
        XenodProcess? xenod = null, baseXenod = null;
        Guests? running = null, baseRunning = null;
        var basePrefix = Path.Combine(root, "b");
        try
        {
            var builds = programsDir is not null ? XlBuilds.From(programsDir) : XlBuilds.Publish(published!);
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            xenod = await XenodProcess.StartAsync(builds.Xenod, prefix, TimeSpan.FromMinutes(2));
            if (baselineDir is not null)
            {
                var aot = builds.Xl.FirstOrDefault(b => b.Label == XlBuilds.AotLabel)
                    ?? throw new InvalidOperationException($"--baseline races the Native AOT xl builds: {builds.AotMissing}");
                Directory.CreateDirectory(basePrefix);
                baseXenod = await XenodProcess.StartAsync(Path.Combine(baselineDir, "xenod/xenod"), basePrefix, TimeSpan.FromMinutes(2));
                int n = Math.Max(guests, fleet);
                var kit = GuestKit.Build();
                var timeout = TimeSpan.FromSeconds(Math.Max(300, 15 * n));
                running = new Guests(kit, aot.Executable, root, prefix, memory, paused);
                baseRunning = new Guests(kit, Path.Combine(baselineDir, "xl-aot/xl"), root, basePrefix, memory, paused);
                Console.Error.WriteLine($"xl bench: {n} guests on each xenod");
                await running.GrowToAsync(n, timeout);
                await baseRunning.GrowToAsync(n, timeout);
                var sides = new List<Side>
                {
                    new("this tree", aot.Executable, prefix, xenod.Pid),
                    new($"baseline ({baselineDir})", Path.Combine(baselineDir, "xl-aot/xl"), basePrefix, baseXenod.Pid),
                };
                var raced = BaselineRace.Run(sides, n, runs);
                var after = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                var section = BaselineRace.Markdown(raced, n, runs, paused, load, after);
                await File.WriteAllTextAsync(outFile, section);
                Console.Write(section);
                return 0;
            }
            var results = new List<RaceResult>();
            Console.Error.WriteLine("xl bench: no guests");
            results.Add(ListRace.Run("xenod, no guests", builds.Xl, prefix, 0, runs));
            if (guests > 0 || fleet > 0)
            {
                var kit = GuestKit.Build();
                running = new Guests(kit, builds.Xl[0].Executable, root, prefix, memory);
                var timeout = TimeSpan.FromSeconds(Math.Max(300, 15 * Math.Max(guests, fleet)));
                if (guests > 0)
                {
                    Console.Error.WriteLine($"xl bench: {guests} guests");
                    await running.GrowToAsync(guests, timeout);
                    results.Add(ListRace.Run($"{guests} guests running", builds.Xl, prefix, guests, runs));
                }
                if (fleet > 0)
                {
                    Console.Error.WriteLine($"xl bench: {fleet} guests");
                    await running.GrowToAsync(fleet, timeout);
                    results.Add(ListRace.Run($"{fleet} guests running", builds.Xl, prefix, fleet, runs));
                }
            }
            var loadAfter = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var md = new XlReport(builds, results, runs, load, loadAfter, fleet).Markdown();
            await File.WriteAllTextAsync(outFile, md);
            Console.Write(md);
            return 0;
        }
        finally
        {
            running?.DestroyAll();
            baseRunning?.DestroyAll();
            if (baseXenod is not null)
            {
                await baseXenod.StopAsync(TimeSpan.FromSeconds(30));
                baseXenod.Dispose();
            }
            if (xenod is not null)
            {
                await xenod.StopAsync(TimeSpan.FromSeconds(30));
                xenod.Dispose();
            }
            int killed = HostProcesses.KillQemusUnder(prefix) + HostProcesses.KillQemusUnder(basePrefix);
            if (killed > 0)
                Console.Error.WriteLine($"xl bench: killed {killed} QEMU process(es) left under {prefix}");
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (published is not null)
                Directory.Delete(published, recursive: true);
        }
    }
}
