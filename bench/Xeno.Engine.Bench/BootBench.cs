using System.Diagnostics;
using System.Globalization;
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
internal static class BootBench
{
    /// <summary>Runs the interleaved boots (<paramref name="runs"/> of each; quick: one pv pair) and returns the markdown section.</summary>
    public static async Task<string> RunAsync(GuestKit kit, int runs, bool quick)
    {
        return await ScratchRoot.UseAsync("xeb-", "boot", root => MeasureAsync(kit, runs, quick, root));
    }

    private static async Task<string> MeasureAsync(GuestKit kit, int runs, bool quick, string root)
    {
        var prefix = Path.Combine(root, "p");
        await using var host = await EngineHost.StartAsync(prefix);

        string Cfg(string name, string type, string kernel) =>
            WriteConfig(root, name, $"name=\"{name}\"\ntype=\"{type}\"\nmemory=256\nvcpus=1\nkernel=\"{kernel}\"\n" +
                $"ramdisk=\"{kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=shell\"\n");
        var hvmDisk = Path.Combine(root, "hvm.img");
        File.Copy(kit.HvmDisk, hvmDisk);
        string hvmCfg = WriteConfig(root, "hvm", $"name=\"hvm\"\ntype=\"hvm\"\nmemory=256\nvcpus=1\nvnc=0\nboot=\"c\"\n" +
            $"disk=['format=raw,vdev=hda,access=rw,target={hvmDisk}']\n");

        var results = new List<(string Name, List<double> Seconds)>
        {
            ("bare QEMU, bzImage argv (pv before fast PV boot)", []),
            ("xl create pv (fast PV boot: the bzImage's PVH ELF)", []),
            ("bare QEMU, ELF argv (what pvh and fast pv pass)", []),
            ("xl create pvh", []),
            ("xl create hvm (SeaBIOS, IDE disk)", []),
        };
        for (int r = 0; r < runs; r++)
        {
            results[0].Seconds.Add(await BareAsync(root, GuestKind.Pv, kit.Vmlinuz, kit.Initrd));
            results[1].Seconds.Add(await XlAsync(prefix, Cfg("pv", "pv", kit.Vmlinuz), "pv"));
            if (quick)
                break; // the smoke run: one pv pair only
            results[2].Seconds.Add(await BareAsync(root, GuestKind.Pvh, kit.Vmlinux, kit.Initrd));
            results[3].Seconds.Add(await XlAsync(prefix, Cfg("pvh", "pvh", kit.Vmlinux), "pvh"));
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
        double Med(int i) => i < results.Count ? Stats.Median(results[i].Seconds) : double.NaN;
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
            md.Append(Invariant($"| {name} | {Stats.Median(s):F2} | {s.Min():F2} | {s.Max():F2} |\n"));
        md.Append('\n');
        md.Append("| Ratio | value |\n|---|---:|\n");
        void Ratio(string what, double value)
        {
            if (!double.IsNaN(value))
                md.Append(Invariant($"| {what} | {value:F3} |\n"));
        }
        Ratio("xl create pv / bare ELF argv (toolstack overhead, goal <= 1.10)", Med(1) / Med(2));
        Ratio("xl create pvh / bare ELF argv (goal <= 1.10)", Med(3) / Med(2));
        Ratio("bare bzImage / xl create pv (what fast PV boot saves: no decompression in the guest)", Med(0) / Med(1));
        Ratio("xl create pv / xl create pvh", Med(1) / Med(3));
        Ratio("**hvm / pv (goal >= 2)**", Med(4) / Med(1));
        Ratio("hvm / pvh", Med(4) / Med(3));
        md.Append(Invariant($"| `xl list` latency, median ms (in-process xl, idle host) | {Stats.Median(listTimes):F1} |\n"));
        md.Append("\nWhat the numbers mean: the overhead ratios show what xl + xenod add to QEMU's own start. A pv guest whose kernel has ");
        md.Append("the PVH entry note boots the host-unpacked ELF from xenod's kernel cache (fast PV boot, docs/engine.md), so QEMU gets ");
        md.Append("the same kernel argument as pvh; the bare bzImage row is the pv boot before that change, the kernel decompressing ");
        md.Append("itself in the guest. hvm adds SeaBIOS and a bootloader. The many-guest run is the next section.\n");
        return md.ToString();
    }

    private static async Task<double> XlAsync(string prefix, string cfg, string name)
    {
        var log = Path.Combine(prefix, "var/log/xeno/console", name + ".log");
        var sw = Stopwatch.StartNew();
        var err = new StringWriter();
        if (XlMain.Run(["create", "-q", cfg], TextWriter.Null, err, prefix) != 0)
            throw new InvalidOperationException($"xl create {cfg} failed: {err}");
        await ConsoleMarker.WaitAsync(log, TimeSpan.FromMinutes(3));
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
        await ConsoleMarker.WaitAsync(log, TimeSpan.FromMinutes(3));
        var seconds = sw.Elapsed.TotalSeconds;
        var pid = int.Parse(File.ReadAllText(files.PidFile).Trim(), CultureInfo.InvariantCulture);
        using (var q = Process.GetProcessById(pid))
        {
            q.Kill();
            await q.WaitForExitAsync();
        }
        return seconds;
    }

    private static string WriteConfig(string root, string name, string text)
    {
        var path = Path.Combine(root, name + ".cfg");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
