using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Cli;
using Xeno.Engine.Hosting;

namespace Xeno.Engine.Bench;

/// <summary>
/// PV ↔ HVM conversion (`xl guest-convert`, docs/guests.md) of the cached Debian image, each
/// direction: a raw copy of the image is converted to pv and back to hvm, one conversion at a
/// time, each a helper guest boot on the kit's rescue initramfs that writes the changes and runs
/// the guest's own grub-mkconfig in a chroot. Timed from the command's start to its end, with the
/// moments its progress lines appear (helper booted and mounting; grub-mkconfig started; report).
/// Writes a markdown section.
/// </summary>
internal static class DebianConvertBench
{
    private static readonly string[] Steps = ["mounting", "regenerating", "reporting"];

    public static async Task<string> RunAsync(GuestKit kit, int runs)
    {
        var image = DebianBootBench.BuildImage();
        return await ScratchRoot.UseAsync("xedc-", "convert", root => MeasureAsync(kit, image, runs, root));
    }

    private static async Task<string> MeasureAsync(GuestKit kit, string image, int runs, string root)
    {
        var prefix = Path.Combine(root, "p");
        await using var host = await EngineHost.StartAsync(prefix);
        var disk = Path.Combine(root, "guest.img");
        HostProcesses.Check("cp", "--sparse=always", image, disk);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(disk, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var times = new Dictionary<string, List<double[]>> { ["pv"] = [], ["hvm"] = [] };
        for (int r = 0; r < runs; r++)
        {
            foreach (var type in new[] { "pv", "hvm" })
            {
                var sw = Stopwatch.StartNew();
                var err = new TimedWriter(sw);
                int exit = await Task.Run(() => XlMain.Run(["guest-convert", "-k", kit.Vmlinuz, "-r", kit.RescueInitrd, disk, type], TextWriter.Null, err, prefix));
                double total = sw.Elapsed.TotalSeconds;
                if (exit != 0) throw new InvalidOperationException($"xl guest-convert {type} failed: {err.Text}");
                times[type].Add([.. Steps.Select(err.At), total]);
                Console.Error.WriteLine(Invariant($"convert: run {r + 1}/{runs}: to {type} {total:F1} s"));
            }
        }
        double load = HostMemory.LoadAverage1Min();
        var md = new StringBuilder();
        md.Append("## PV ↔ HVM conversion (xl guest-convert)\n\n");
        md.Append("Method: `xl guest-convert DISK pv`, then `hvm`, on a raw copy of the cached Debian 12 image (docs/guests.md, ");
        md.Append("\"PV ↔ HVM conversion\"): the host reads the disk and plans; a helper guest (pv, 256 MiB, the kit's kernel and ");
        md.Append("rescue initramfs) checks and backs up the files on the guest's disk, writes the 4 changes, regenerates grub.cfg ");
        md.Append("with the guest's own grub-mkconfig in a chroot and reports on its result disk. Timed from the command's start; ");
        md.Append("the steps are when the helper's progress lines reached xl. ");
        md.Append(Invariant($"TCG, one conversion at a time, {runs} run(s) per direction; load average {load:F1} at the end.\n\n"));
        md.Append("| Direction | helper booted (mounting) s | grub-mkconfig started s | grub-mkconfig done (reporting) s | total s (median, min–max) |\n|---|---:|---:|---:|---:|\n");
        foreach (var (type, rows) in times)
        {
            string Median(int k) => Invariant($"{Stats.Median(rows.Select(row => row[k]).ToList()):F1}");
            md.Append(Invariant($"| to {type} | {Median(0)} | {Median(1)} | {Median(2)} | {Median(3)} ({rows.Min(row => row[3]):F1}–{rows.Max(row => row[3]):F1}) |\n"));
        }
        return md.ToString();
    }

    /// <summary>xl's stderr, noting when each progress step first appears.</summary>
    private sealed class TimedWriter(Stopwatch clock) : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly Dictionary<string, double> _seen = [];

        public override Encoding Encoding => Encoding.UTF8;

        public string Text => _text.ToString();

        public double At(string step) => _seen.TryGetValue(step, out var t) ? t : double.NaN;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (value is null) return;
            _text.Append(value);
            foreach (var step in Steps)
            {
                if (!_seen.ContainsKey(step) && value.StartsWith("guest-convert: " + step, StringComparison.Ordinal))
                    _seen[step] = clock.Elapsed.TotalSeconds;
            }
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
