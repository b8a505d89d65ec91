using System.Diagnostics;
using System.Text;

namespace Xeno.Boot.Bench;

/// <summary>
/// Whole-process race: Xen's pygrub against xeno-pygrub, same arguments, same images, runs
/// interleaved, and every run's kernel and ramdisk compared byte for byte.
/// </summary>
internal sealed class PygrubRaceSection : IBenchSection
{
    public const string XenPygrub = "/usr/lib/xen-4.17/bin/pygrub";
    private const double Goal = 1.25;

    public string Title => "Whole-process race: Xen's pygrub against xeno-pygrub";

    private sealed record Contender(string Name, string Tool, string Image)
    {
        public List<double> Samples { get; } = [];
        public double FirstMs { get; set; }
    }

    private sealed record Race(string Disk, string Source, Contender Xen, Contender[] Ours);

    public string Run(BenchImages images, BenchOptions options)
    {
        if (!File.Exists(XenPygrub))
        {
            throw new InvalidOperationException($"{XenPygrub} is missing: install xen-utils-4.17 to race against Xen's pygrub");
        }
        var (xeno, origin) = XenoPygrubBinary.Locate();
        int runs = options.Quick ? 3 : 20;
        string work = Path.Combine(options.WorkDirectory, "race");
        Directory.CreateDirectory(work);
        Race[] races =
        [
            new($"{images.BootDiskBytes >> 20} MiB guest disk", images.BootSource,
                new("Xen pygrub, raw", XenPygrub, images.BootDiskRaw),
                [new("xeno-pygrub, raw", xeno, images.BootDiskRaw), new("xeno-pygrub, qcow2", xeno, images.BootDiskQcow2)]),
            new($"{images.HugeDiskBytes >> 30} GiB sparse disk, {images.HugeBootFiles:N0}-file /boot", images.HugeSource,
                new("Xen pygrub, raw", XenPygrub, images.HugeDisk),
                [new("xeno-pygrub, raw", xeno, images.HugeDisk)]),
        ];
        foreach (var race in races)
        {
            Console.Error.WriteLine($"  racing on the {race.Disk}");
            RunRace(race, runs, work);
        }
        return Report(races, runs, origin, options.Quick);
    }

    /// <summary>One uncounted first run each, then <paramref name="runs"/> rounds with the starting contender rotating.</summary>
    private static void RunRace(Race race, int runs, string work)
    {
        Contender[] all = [race.Xen, .. race.Ours];
        byte[] kernel = File.ReadAllBytes(Path.Combine(race.Source, BenchImages.KernelPath.TrimStart('/')));
        byte[] ramdisk = File.ReadAllBytes(Path.Combine(race.Source, BenchImages.InitrdPath.TrimStart('/')));
        for (int round = -1; round < runs; round++)
        {
            var produced = new List<(Contender Who, string Kernel, string Ramdisk)>();
            for (int k = 0; k < all.Length; k++)
            {
                var who = all[(Math.Max(round, 0) + k) % all.Length];
                string output = Path.Combine(work, $"round{round + 1}-{Array.IndexOf(all, who)}");
                var (ms, files) = Extract(who, output);
                if (round < 0)
                {
                    who.FirstMs = ms;
                }
                else
                {
                    who.Samples.Add(ms);
                }
                produced.Add((who, files.Kernel, files.Ramdisk));
            }
            Verify(race, round + 1, produced, kernel, ramdisk);
            foreach (var (_, k, r) in produced)
            {
                Directory.Delete(Path.GetDirectoryName(k)!, recursive: true);
            }
        }
    }

    /// <summary>Runs one tool as a process, timed from start to exit; returns the files it says it wrote.</summary>
    private static (double Ms, (string Kernel, string Ramdisk) Files) Extract(Contender who, string output)
    {
        Directory.CreateDirectory(output);
        // -q: without it pygrub shows its curses menu (it fails without a terminal, and waits for
        // the menu timeout on the pty libxl gives it); -q boots the default entry at once.
        var clock = Stopwatch.StartNew();
        string stdout = HostTool.Run(who.Tool, null, "-q", "--output-directory", output, "--output-format", "simple", who.Image);
        double ms = clock.Elapsed.TotalMilliseconds;
        string Field(string key) => stdout.Split('\n').FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))?[(key.Length + 1)..]
            ?? throw new InvalidOperationException($"{who.Name}: no '{key}' line in its output:\n{stdout}");
        return (ms, (Field("kernel"), Field("ramdisk")));
    }

    /// <summary>Fails the benchmark unless every contender wrote the same kernel and ramdisk as Xen's pygrub, and both equal the files put on the disk.</summary>
    private static void Verify(Race race, int round, List<(Contender Who, string Kernel, string Ramdisk)> produced, byte[] kernel, byte[] ramdisk)
    {
        var xen = produced.Single(p => p.Who == race.Xen);
        byte[] xenKernel = File.ReadAllBytes(xen.Kernel);
        byte[] xenRamdisk = File.ReadAllBytes(xen.Ramdisk);
        if (!xenKernel.AsSpan().SequenceEqual(kernel) || !xenRamdisk.AsSpan().SequenceEqual(ramdisk))
        {
            throw new InvalidOperationException($"{race.Disk}, round {round}: Xen's pygrub did not extract the kernel/ramdisk put on the disk ({xen.Kernel}, {xen.Ramdisk})");
        }
        foreach (var (who, k, r) in produced.Where(p => p.Who != race.Xen))
        {
            if (!File.ReadAllBytes(k).AsSpan().SequenceEqual(xenKernel))
            {
                throw new InvalidOperationException($"{race.Disk}, round {round}: {who.Name} wrote a kernel that differs from Xen's pygrub's ({k} vs {xen.Kernel})");
            }
            if (!File.ReadAllBytes(r).AsSpan().SequenceEqual(xenRamdisk))
            {
                throw new InvalidOperationException($"{race.Disk}, round {round}: {who.Name} wrote a ramdisk that differs from Xen's pygrub's ({r} vs {xen.Ramdisk})");
            }
        }
    }

    /// <summary>Xen's time over ours within each round (the two ran back to back), median over the rounds.</summary>
    private static double PairedRatio(Contender xen, Contender ours)
    {
        var ratios = xen.Samples.Zip(ours.Samples, (x, o) => x / o).Order().ToArray();
        return ratios[ratios.Length / 2];
    }

    private static string Report(Race[] races, int runs, string origin, bool quick)
    {
        var md = new StringBuilder();
        md.AppendLine("Method: each tool runs as its own process, exactly as libxl starts a bootloader:");
        md.AppendLine("`TOOL -q --output-directory DIR --output-format simple IMAGE`, where TOOL is Debian's");
        md.AppendLine($"`{XenPygrub}` (Python) or our `xeno-pygrub`, built from {origin}.");
        md.AppendLine("`-q` picks the default entry without the interactive menu, which needs a terminal (and on the pty");
        md.AppendLine("libxl provides waits for the menu timeout); both tools get identical arguments. The images are the ones");
        md.AppendLine("the sections above use (the guest disk's filesystem holds a grub2 `grub.cfg`, kernel and initrd).");
        md.AppendLine("Xen's pygrub reads only raw images, so the qcow2 row is ours alone; its ratio still compares against");
        md.AppendLine("Xen's pygrub on the raw form of the same disk.");
        md.AppendLine($"One first run of each tool (not counted), then {runs} rounds; in each round every tool runs once, and");
        md.AppendLine("the tool that starts the round rotates so neither gains from going first. Wall time is measured from");
        md.AppendLine("process start to exit (start-up, option parsing, reading the disk, writing both files, printing).");
        md.AppendLine("After every round the kernel and ramdisk each tool wrote are compared byte for byte with Xen's pygrub's");
        md.AppendLine("and with the files put on the disk; any difference stops the benchmark with an error.");
        md.AppendLine();
        md.AppendLine("| Disk | Tool | First run (ms) | Median (ms) | Min (ms) | Xen pygrub / this, median | Xen pygrub / this, min | Median of per-round ratios |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        var verdicts = new List<string>();
        foreach (var race in races)
        {
            var xen = Timing.FromSamples(race.Xen.FirstMs, race.Xen.Samples);
            md.AppendLine($"| {race.Disk} | {race.Xen.Name} | {xen.ColdMs:F0} | {xen.MedianMs:F0} | {xen.MinMs:F0} | 1.00x | 1.00x | 1.00x |");
            foreach (var ours in race.Ours)
            {
                var t = Timing.FromSamples(ours.FirstMs, ours.Samples);
                double paired = PairedRatio(race.Xen, ours);
                md.AppendLine($"| {race.Disk} | {ours.Name} | {t.ColdMs:F0} | {t.MedianMs:F0} | {t.MinMs:F0} | {xen.MedianMs / t.MedianMs:F2}x | {xen.MinMs / t.MinMs:F2}x | {paired:F2}x |");
                verdicts.Add($"{race.Disk}, {ours.Name}: {paired:F2}x ({(paired >= Goal ? "meets" : "misses")} the goal)");
            }
        }
        md.AppendLine();
        md.AppendLine($"Goal: xeno-pygrub at least {Goal:F2}x as fast as Xen's pygrub (above 1 = ours is faster), judged on the median");
        md.AppendLine("of per-round ratios (last column), the figure the machine's changing load moves least:");
        md.AppendLine(string.Join("; ", verdicts) + ".");
        if (quick)
        {
            md.AppendLine($"(Quick run: {runs} rounds on smaller images prove the race works; they are too few to judge the goal.)");
        }
        md.AppendLine("The ratio is what matters: both tools ran in the same rounds on the same machine and page cache, so");
        md.AppendLine("machine speed cancels out. Absolute times include process start-up, which for both tools is a large");
        md.AppendLine("part of the total on a small disk (Python's interpreter and imports; the .NET runtime, with ReadyToRun");
        md.AppendLine("code so little is compiled at start). \"First run\" includes cold caches for the binary and its libraries.");
        md.AppendLine("Medians suffer most from other load on the machine; minimums show what the work costs. The last column");
        md.AppendLine("divides the two tools' times within each round (run back to back, so under the same load) and takes");
        md.AppendLine("the median of those ratios: the figure least moved by load that changes during the run.");
        return md.ToString();
    }
}
