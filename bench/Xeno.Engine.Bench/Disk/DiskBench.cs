using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Cli;
using Xeno.Engine.Hosting;

namespace Xeno.Engine.Bench.Disk;

/// <summary>
/// Disk throughput inside a guest, side by side in one run on the same raw image: a pv guest's
/// xvda (virtio-blk), an hvm guest's hda (emulated IDE) and xvda (virtio on hvm), each through
/// xl create and then as bare QEMU started with the very argument vector xenod gave that guest.
/// The guest runs diskio (sequential 1 MiB and random 4 KiB, O_DIRECT) and prints its figures on
/// the console; the bench reads them from the console log.
/// </summary>
internal sealed class DiskBench(GuestKit kit, int rounds, bool quick)
{
    private sealed record Variant(string Name, string Type, string Vdev, string GuestDevice, string Console);

    private static readonly Variant[] Variants =
    [
        new("pv, xvda (virtio-blk)", "pv", "xvda", "vda", "hvc0"),
        new("hvm, hda (emulated IDE, PIIX)", "hvm", "hda", "sda", "ttyS0"),
        new("hvm, xvda (virtio-blk: PV drivers on hvm)", "hvm", "xvda", "vda", "ttyS0"),
    ];

    private static readonly string[] Tests = ["seq-write", "seq-read", "rand-read", "rand-write"];

    private const int ImageMiB = 256;

    private const int SeqMiB = 32;

    private const int RandomSeconds = 3;

    /// <summary>Each guest runs the four tests this often and the bench keeps each test's fastest pass.</summary>
    private int Passes => quick ? 1 : 3;

    public async Task<string> RunAsync()
    {
        return await ScratchRoot.UseAsync("xedisk-", "disk", root => MeasureAsync(root));
    }

    private async Task<string> MeasureAsync(string root)
    {
        var initrd = DiskGuest.BuildInitrd(kit, root);
        // Real data in every block, so no read is answered from a hole in a sparse file.
        var image = Path.Combine(root, "disk.raw");
        using (var f = File.Create(image))
        {
            var block = new byte[1 << 20];
            new Random(7).NextBytes(block);
            for (int i = 0; i < ImageMiB; i++) f.Write(block);
        }
        var prefix = Path.Combine(root, "p");
        string load0 = File.ReadAllText("/proc/loadavg").Trim();
        var results = new Dictionary<(string Variant, bool Bare), List<Dictionary<string, double>>>();
        await using (var host = await EngineHost.StartAsync(prefix))
        {
            for (int r = 0; r < rounds; r++)
            {
                foreach (var v in Variants)
                {
                    var (xl, argv) = await XlRunAsync(root, prefix, v, initrd, image);
                    Add(results, (v.Name, false), xl);
                    Console.Error.WriteLine($"disk: xl {v.Name}: {Show(xl)}");
                    var bare = await BareRunAsync(prefix, argv);
                    Add(results, (v.Name, true), bare);
                    Console.Error.WriteLine($"disk: bare {v.Name}: {Show(bare)}");
                }
                Console.Error.WriteLine($"disk: round {r + 1}/{rounds} done");
            }
        }
        string load1 = File.ReadAllText("/proc/loadavg").Trim();
        return Report(results, load0, load1);
    }

    private static string Show(Dictionary<string, double> figures) =>
        string.Join(", ", figures.Select(kv => F($"{kv.Key} {kv.Value}")));

    private static void Add(Dictionary<(string, bool), List<Dictionary<string, double>>> results, (string, bool) key, Dictionary<string, double> figures)
    {
        if (!results.TryGetValue(key, out var list))
            results[key] = list = [];
        list.Add(figures);
    }

    /// <summary>One guest through xl create; returns its figures and the QEMU argument vector xenod built.</summary>
    private async Task<(Dictionary<string, double> Figures, string[] Argv)> XlRunAsync(string root, string prefix, Variant v, string initrd, string image)
    {
        const string name = "disk";
        var cfg = Path.Combine(root, "disk.cfg");
        var hvm = v.Type == "hvm" ? "vnc=0\nboot=\"c\"\n" : "";
        File.WriteAllText(cfg, $"name=\"{name}\"\ntype=\"{v.Type}\"\nmemory=256\nvcpus=1\n{hvm}kernel=\"{kit.Vmlinuz}\"\nramdisk=\"{initrd}\"\n" +
            $"extra=\"console={v.Console} xeno.diskio={v.GuestDevice},{SeqMiB},{RandomSeconds},{Passes}\"\n" +
            $"disk=['format=raw,vdev={v.Vdev},access=rw,target={image}']\n");
        var log = Path.Combine(prefix, "var/log/xeno/console", name + ".log");
        if (File.Exists(log)) File.Delete(log);
        var err = new StringWriter();
        if (XlMain.Run(["create", "-q", cfg], TextWriter.Null, err, prefix) != 0)
            throw new InvalidOperationException($"xl create ({v.Name}) failed: {err}");
        int pid = HostProcesses.QemusUnder(prefix).Single();
        var argv = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split('\0');
        var figures = await WaitForFiguresAsync(log, v.Name);
        XlMain.Run(["destroy", name], TextWriter.Null, TextWriter.Null, prefix); // may be gone already (poweroff)
        await WaitGoneAsync(pid);
        return (figures, argv);
    }

    /// <summary>
    /// The same argument vector without xl or xenod: the same sockets, log and pid file paths
    /// (the xl guest is gone, its console log is removed first), no cgroup, no QMP session.
    /// </summary>
    private static async Task<Dictionary<string, double>> BareRunAsync(string prefix, string[] argv)
    {
        var log = ConsoleLogOf(argv);
        if (File.Exists(log)) File.Delete(log);
        // xenod removed the domain's run directory with the domain: make its folders again.
        foreach (var token in argv.SelectMany(a => a.Split(',')).Select(t => t[(t.IndexOf('=') + 1)..]))
            if (token.StartsWith(prefix + "/", StringComparison.Ordinal))
                Directory.CreateDirectory(Path.GetDirectoryName(token)!);
        var info = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var a in argv.Skip(1)) info.ArgumentList.Add(a);
        using (var p = Process.Start(info)!)
        {
            if (argv.Contains("-daemonize"))
            {
                await p.WaitForExitAsync();
                if (p.ExitCode != 0)
                    throw new InvalidOperationException($"bare QEMU exited with {p.ExitCode}: {string.Join(' ', argv)}");
            }
            var figures = await WaitForFiguresAsync(log, "bare QEMU");
            HostProcesses.KillQemusUnder(prefix);
            return figures;
        }
    }

    /// <summary>The logfile= of the console chardev (xenod's QemuCommandLine names it console0).</summary>
    private static string ConsoleLogOf(string[] argv)
    {
        var chardev = argv.Single(a => a.Contains("id=console0", StringComparison.Ordinal));
        var part = chardev.Split(',').Single(p => p.StartsWith("logfile=", StringComparison.Ordinal));
        return part["logfile=".Length..];
    }

    private static async Task<Dictionary<string, double>> WaitForFiguresAsync(string log, string what)
    {
        var sw = Stopwatch.StartNew();
        string text = "";
        while (!text.Contains("XENO-DISKIO-DONE", StringComparison.Ordinal))
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(8))
                throw new TimeoutException($"{what}: no XENO-DISKIO-DONE in {log} after 8 minutes; console:\n{text}");
            await Task.Delay(200);
            text = ReadShared(log);
        }
        var figures = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            var f = line.Trim().Split(' ');
            if (f.Length >= 3 && f[0] == "XENO-DISKIO")
            {
                if (f[1] == "error")
                    throw new InvalidOperationException($"{what}: the guest's diskio failed: {line.Trim()}");
                // The fastest pass: outside load on the shared host only ever slows a pass down.
                double value = double.Parse(f[2], CultureInfo.InvariantCulture);
                figures[f[1]] = Math.Max(value, figures.GetValueOrDefault(f[1]));
            }
        }
        if (Tests.Any(t => !figures.ContainsKey(t)))
            throw new InvalidOperationException($"{what}: the guest reported only {string.Join(", ", figures.Keys)}; console:\n{text}");
        return figures;
    }

    private static string ReadShared(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(f).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
        catch (DirectoryNotFoundException)
        {
            return "";
        }
    }

    private static async Task WaitGoneAsync(int pid)
    {
        var sw = Stopwatch.StartNew();
        while (Directory.Exists($"/proc/{pid}") && sw.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(100);
    }

    private string Report(Dictionary<(string Variant, bool Bare), List<Dictionary<string, double>>> results, string load0, string load1)
    {
        double Med(string variant, bool bare, string test) => Stats.Median(results[(variant, bare)].Select(d => d[test]).ToList());
        var md = new StringBuilder();
        md.Append("## Disk throughput inside the guest: PV (virtio) vs emulated IDE, through xl and bare QEMU\n\n");
        md.Append(F($"Method: one raw image of {ImageMiB} MiB (filled with data) in the bench's temp directory, attached in turn as a pv guest's xvda (virtio-blk), an hvm guest's hda (QEMU's emulated PIIX IDE, Linux ata_piix with bus-master DMA) and an hvm guest's xvda (virtio-blk on hvm, \"PV drivers on HVM\"), always `format=raw,access=rw`, which xenod passes to QEMU as `-drive if=none,...,format=raw` with QEMU's default cache mode (writeback through the host page cache). Every guest is the kit's Debian kernel, 1 vCPU, 256 MiB, TCG, booted directly (kernel=, also for hvm) with the kit's initramfs plus an appended archive (bench/Xeno.Engine.Bench/Disk): an init that loads the IDE/SCSI modules the kit leaves out and runs diskio.c (static, built with the host's gcc) on the disk, which prints its figures on the console. diskio opens the block device with O_DIRECT (no guest page cache) and does, in this order: {SeqMiB} MiB sequential writes in 1 MiB requests then fdatasync, {SeqMiB} MiB sequential reads, random 4 KiB reads for {RandomSeconds} s, random 4 KiB writes for {RandomSeconds} s (offsets over the whole disk, queue depth 1: one request at a time); the four tests {Passes} times over in each guest, keeping each test's fastest pass (load from other work on the shared host only ever slows a pass down). Each variant runs through `xl create` against an in-process xenod, then as bare QEMU started with the exact argument vector xenod gave that guest (read from /proc/PID/cmdline), one after the other; {rounds} round(s) of all six, medians.\n\n"));
        md.Append("| Variant | seq write MiB/s | seq read MiB/s | random 4 KiB read IOPS | random 4 KiB write IOPS |\n|---|---:|---:|---:|---:|\n");
        foreach (var v in Variants)
            foreach (var bare in new[] { false, true })
                md.Append(F($"| {(bare ? "bare QEMU, same argv: " : "xl create ")}{v.Name} | {Med(v.Name, bare, "seq-write"):F1} | {Med(v.Name, bare, "seq-read"):F1} | {Med(v.Name, bare, "rand-read"):F0} | {Med(v.Name, bare, "rand-write"):F0} |\n"));
        string pv = Variants[0].Name, ide = Variants[1].Name, hvmPv = Variants[2].Name;
        md.Append("\n| Ratio (medians, same run) | seq write | seq read | random read | random write |\n|---|---:|---:|---:|---:|\n");
        void Ratio(string what, Func<string, double> value) =>
            md.Append(F($"| {what} | {value("seq-write"):F2} | {value("seq-read"):F2} | {value("rand-read"):F2} | {value("rand-write"):F2} |\n"));
        Ratio("**pv xvda / hvm hda (IDE), through xl (goal: random ≥ 3)**", t => Med(pv, false, t) / Med(ide, false, t));
        Ratio("hvm xvda / hvm hda, through xl", t => Med(hvmPv, false, t) / Med(ide, false, t));
        Ratio("xl / bare QEMU, pv xvda (toolstack cost, ideally 1)", t => Med(pv, false, t) / Med(pv, true, t));
        Ratio("xl / bare QEMU, hvm hda", t => Med(ide, false, t) / Med(ide, true, t));
        Ratio("xl / bare QEMU, hvm xvda", t => Med(hvmPv, false, t) / Med(hvmPv, true, t));
        if (rounds > 1)
        {
            md.Append("\nSpread over the rounds (min–max), random 4 KiB read IOPS: ");
            md.Append(string.Join("; ", results.Select(kv =>
                F($"{(kv.Key.Bare ? "bare " : "xl ")}{kv.Key.Variant.Split(',')[0]} {kv.Key.Variant.Split(' ')[1].TrimEnd(',')} {kv.Value.Min(d => d["rand-read"]):F0}–{kv.Value.Max(d => d["rand-read"]):F0}"))));
            md.Append('\n');
        }
        md.Append(F($"\n(Host load average (1/5/15 min, runnable) at the start: {load0.Split(' ')[0]} {load0.Split(' ')[1]} {load0.Split(' ')[2]}; at the end: {load1.Split(' ')[0]} {load1.Split(' ')[1]} {load1.Split(' ')[2]}.)\n"));
        return md.ToString();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
