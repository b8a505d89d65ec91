using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Xeno.Cli;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Bench;

/// <summary>
/// Boot-to-marker times, median of N runs, side by side in one run: `xl create` (pv, pvh, hvm)
/// through an in-process xenod vs the same QEMU argument vector started bare (the limit), and
/// `xl list` latency with the guests of the run gone. Writes a markdown section.
/// </summary>
internal static class Program
{
    private const string Marker = "XENO-GUEST-READY";

    private static async Task<int> Main(string[] args)
    {
        string? outFile = null;
        bool quick = false;
        int runs = 10;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out": outFile = args[++i]; break;
                case "--quick": quick = true; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }
        if (outFile is null)
        {
            Console.Error.WriteLine("usage: Xeno.Engine.Bench --out FILE.md [--quick] [--runs N]");
            return 2;
        }
        if (quick) runs = 1;
        var kit = Kit();
        var root = Directory.CreateTempSubdirectory("xeb-").FullName;
        var prefix = Path.Combine(root, "p");
        await using var host = await EngineHost.StartAsync(prefix);

        string Cfg(string name, string type, string kernel) =>
            WriteConfig(root, name, $"name=\"{name}\"\ntype=\"{type}\"\nmemory=256\nvcpus=1\nkernel=\"{kernel}\"\n" +
                $"ramdisk=\"{kit["initrd"]}\"\nextra=\"console=hvc0 xeno.action=shell\"\n");
        var hvmDisk = Path.Combine(root, "hvm.img");
        File.Copy(kit["hvm_disk"], hvmDisk);
        string hvmCfg = WriteConfig(root, "hvm", $"name=\"hvm\"\ntype=\"hvm\"\nmemory=256\nvcpus=1\nvnc=0\nboot=\"c\"\n" +
            $"disk=['format=raw,vdev=hda,access=rw,target={hvmDisk}']\n");

        var results = new List<(string Name, List<double> Seconds)>
        {
            ("bare QEMU, pv argv (bzImage)", []),
            ("xl create pv", []),
            ("bare QEMU, pvh argv (ELF)", []),
            ("xl create pvh", []),
            ("xl create hvm (SeaBIOS, IDE disk)", []),
        };
        for (int r = 0; r < runs; r++)
        {
            results[0].Seconds.Add(await BareAsync(root, GuestKind.Pv, kit["vmlinuz"], kit["initrd"]));
            results[1].Seconds.Add(await XlAsync(prefix, Cfg("pv", "pv", kit["vmlinuz"]), "pv"));
            if (quick)
                break; // the smoke run: one pv pair only
            results[2].Seconds.Add(await BareAsync(root, GuestKind.Pvh, kit["vmlinux"], kit["initrd"]));
            results[3].Seconds.Add(await XlAsync(prefix, Cfg("pvh", "pvh", kit["vmlinux"]), "pvh"));
            results[4].Seconds.Add(await XlAsync(prefix, hvmCfg, "hvm"));
            Console.Error.WriteLine($"run {r + 1}/{runs} done");
        }
        var listTimes = new List<double>();
        for (int i = 0; i < (quick ? 5 : 50); i++)
        {
            var sw = Stopwatch.StartNew();
            XlMain.Run(["list"], TextWriter.Null, TextWriter.Null, prefix);
            listTimes.Add(sw.Elapsed.TotalMilliseconds);
        }

        results.RemoveAll(r => r.Seconds.Count == 0);
        double Med(int i) => i < results.Count ? Median(results[i].Seconds) : double.NaN;
        var md = new StringBuilder();
        md.Append("## Domain engine: boot to the guest's init marker\n\n");
        md.Append("Method: the guest kit's Debian kernel and busybox initramfs, 1 vCPU, 256 MiB, TCG on this machine. ");
        md.Append("Each figure is the time from the command's start to the init's marker line appearing in the console log, ");
        md.Append($"median of {runs} run(s), all variants interleaved in the same run. \"bare QEMU\" starts the very argument vector ");
        md.Append("xenod would build (same devices, -daemonize, QMP and console log) without xl or xenod: the limit for the toolstack. ");
        md.Append("\"xl create\" runs xl's create in-process against an in-process xenod over its unix socket, so it includes the config ");
        md.Append("parse, the API call, QEMU start-up, QMP handshake and the runtime record.\n\n");
        md.Append("| Variant | median s | min s | max s |\n|---|---:|---:|---:|\n");
        foreach (var (name, s) in results)
            md.Append(Invariant($"| {name} | {Median(s):F2} | {s.Min():F2} | {s.Max():F2} |\n"));
        md.Append('\n');
        md.Append("| Ratio | value |\n|---|---:|\n");
        void Ratio(string what, double value)
        {
            if (!double.IsNaN(value))
                md.Append(Invariant($"| {what} | {value:F3} |\n"));
        }
        Ratio("xl create pv / bare pv (toolstack overhead, goal <= 1.10)", Med(1) / Med(0));
        Ratio("xl create pvh / bare pvh (goal <= 1.10)", Med(3) / Med(2));
        Ratio("xl create pv / xl create pvh (bzImage decompression in the guest)", Med(1) / Med(3));
        Ratio("hvm / pv", Med(4) / Med(1));
        Ratio("hvm / pvh", Med(4) / Med(3));
        md.Append(Invariant($"| `xl list` latency, median ms (in-process xl, idle host) | {Median(listTimes):F1} |\n"));
        md.Append("\nWhat the numbers mean: the overhead ratios show what xl + xenod add to QEMU's own start; pv vs pvh shows the cost of ");
        md.Append("decompressing a bzImage in the guest; hvm adds SeaBIOS and a bootloader. The 50-guest run of the issue is not measured yet.\n");
        await File.WriteAllTextAsync(outFile, md.ToString());
        Console.Write(md);
        return 0;
    }

    private static async Task<double> XlAsync(string prefix, string cfg, string name)
    {
        var log = Path.Combine(prefix, "var/log/xeno/console", name + ".log");
        var sw = Stopwatch.StartNew();
        var err = new StringWriter();
        if (XlMain.Run(["create", "-q", cfg], TextWriter.Null, err, prefix) != 0)
            throw new InvalidOperationException($"xl create {cfg} failed: {err}");
        await WaitForMarker(log);
        var seconds = sw.Elapsed.TotalSeconds;
        XlMain.Run(["destroy", name], TextWriter.Null, TextWriter.Null, prefix);
        return seconds;
    }

    private static async Task<double> BareAsync(string root, GuestKind kind, string kernel, string initrd)
    {
        var dir = Path.Combine(root, "bare");
        Directory.CreateDirectory(dir);
        var log = Path.Combine(dir, "console.log");
        File.Delete(log);
        var files = new RuntimeFiles(Path.Combine(dir, "qmp"), Path.Combine(dir, "con"), log, Path.Combine(dir, "qga"), Path.Combine(dir, "pid"));
        var machine = new MachineSpec
        {
            Name = "bare", Kind = kind, MemoryMiB = 256, Vcpus = 1, Files = files,
            DirectBoot = new DirectBoot(kernel, initrd, "console=hvc0 xeno.action=shell"),
        };
        var inv = QemuCommandLine.Build(machine);
        var sw = Stopwatch.StartNew();
        var info = new ProcessStartInfo(inv.Executable, inv.Arguments) { UseShellExecute = false };
        using (var p = Process.Start(info)!)
            await p.WaitForExitAsync();
        await WaitForMarker(log);
        var seconds = sw.Elapsed.TotalSeconds;
        var pid = int.Parse(File.ReadAllText(files.PidFile).Trim(), CultureInfo.InvariantCulture);
        using (var q = Process.GetProcessById(pid))
        {
            q.Kill();
            await q.WaitForExitAsync();
        }
        return seconds;
    }

    private static async Task WaitForMarker(string log)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var f = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                if (new StreamReader(f).ReadToEnd().Contains(Marker, StringComparison.Ordinal))
                    return;
            }
            catch (FileNotFoundException)
            {
            }
            if (sw.Elapsed > TimeSpan.FromMinutes(3))
                throw new TimeoutException($"no marker in {log}");
            await Task.Delay(20);
        }
    }

    private static string WriteConfig(string root, string name, string text)
    {
        var path = Path.Combine(root, name + ".cfg");
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string> Kit([CallerFilePath] string source = "")
    {
        var script = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "../../scripts/guest-kit/build"));
        var p = Process.Start(new ProcessStartInfo(script) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
    }

    private static double Median(List<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
