using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Cli;
using Xeno.Engine.Hosting;

namespace Xeno.Engine.Bench;

/// <summary>
/// Boot to the login prompt of the real Debian 12 image (scripts/debian-image/build): pv through
/// pygrub against hvm through SeaBIOS + GRUB, the same image (qcow2 overlays), interleaved in one
/// run, one guest at a time. Writes a markdown section.
/// </summary>
internal static class DebianBootBench
{
    /// <summary>Under TCG a full systemd boot takes minutes; a boot past this is a failure, not a figure.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

    public static async Task<string> RunAsync(int runs)
    {
        var image = BuildImage();
        return await ScratchRoot.UseAsync("xedb-", "debian", root => MeasureAsync(image, runs, root));
    }

    private static async Task<string> MeasureAsync(string image, int runs, string root)
    {
        var prefix = Path.Combine(root, "p");
        await using var host = await EngineHost.StartAsync(prefix);
        var pv = new List<double>();
        var hvm = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var pvDisk = Overlay(root, "pv", image);
            pv.Add(await BootAsync(prefix, root, "debpv",
                "type=\"pv\"\nbootloader=\"pygrub\"\nextra=\"console=hvc0\"\n" + $"disk=['{pvDisk},qcow2,xvda,rw']\n"));
            var hvmDisk = Overlay(root, "hvm", image);
            hvm.Add(await BootAsync(prefix, root, "debhvm",
                "type=\"hvm\"\nvnc=0\nboot=\"c\"\n" + $"disk=['format=qcow2,vdev=hda,access=rw,target={hvmDisk}']\n"));
            Console.Error.WriteLine(Invariant($"debian: run {r + 1}/{runs}: pv {pv[^1]:F1} s, hvm {hvm[^1]:F1} s"));
        }
        double load = HostMemory.LoadAverage1Min();
        var md = new StringBuilder();
        md.Append("## Real Debian 12 guest: boot to the login prompt, pv vs hvm\n\n");
        md.Append("Method: the image of scripts/debian-image/build (docs/guests.md: Debian's kernel and initramfs, systemd, ");
        md.Append("gettys on ttyS0 and hvc0), 1 vCPU, 512 MiB, TCG, each boot on a fresh qcow2 overlay of the one cached disk, ");
        md.Append("one guest at a time, pv and hvm alternating. Each figure is the time from `xl create` (in-process xl and xenod) ");
        md.Append("to `debian login:` after getty's banner for the right line appearing in the console log (pv: pygrub reads the ");
        md.Append("guest's grub.cfg, QEMU boots the extracted kernel, `console=hvc0`; hvm: SeaBIOS, GRUB from the disk's MBR with ");
        md.Append(Invariant($"its 1 s menu timeout, `ttyS0`). {runs} run(s); load average {load:F1} at the end.\n\n"));
        md.Append("| Variant | median s | min s | max s |\n|---|---:|---:|---:|\n");
        md.Append(Invariant($"| pv (xeno-pygrub, hvc0) | {Stats.Median(pv):F1} | {pv.Min():F1} | {pv.Max():F1} |\n"));
        md.Append(Invariant($"| hvm (SeaBIOS + GRUB, ttyS0) | {Stats.Median(hvm):F1} | {hvm.Min():F1} | {hvm.Max():F1} |\n\n"));
        md.Append(Invariant($"| Ratio | value |\n|---|---:|\n| hvm / pv, median | {Stats.Median(hvm) / Stats.Median(pv):F2} |\n\n"));
        md.Append("What the numbers mean: pv skips the firmware and the bootloader (pygrub runs on the host in milliseconds) ");
        md.Append("and talks to virtio devices from the start; hvm pays for SeaBIOS, GRUB's menu and reading the kernel and the ");
        md.Append("30 MB initramfs through BIOS calls, and emulated IDE. The rest, kernel and systemd start-up, is the same system.\n");
        return md.ToString();
    }

    private static async Task<double> BootAsync(string prefix, string root, string name, string config)
    {
        var cfg = Path.Combine(root, name + ".cfg");
        File.WriteAllText(cfg, $"name=\"{name}\"\nmemory=512\nvcpus=1\n" + config);
        var log = Path.Combine(prefix, "var/log/xeno/console", name + ".log");
        string tty = config.Contains("type=\"pv\"", StringComparison.Ordinal) ? "hvc0" : "ttyS0";
        var sw = Stopwatch.StartNew();
        var err = new StringWriter();
        if (XlMain.Run(["create", "-q", cfg], TextWriter.Null, err, prefix) != 0)
            throw new InvalidOperationException($"xl create {cfg} failed: {err}");
        while (!Prompt(log, tty))
        {
            if (sw.Elapsed > Limit)
                throw new TimeoutException($"no login prompt on {tty} in {log} after {Limit.TotalMinutes:F0} min");
            await Task.Delay(100);
        }
        var seconds = sw.Elapsed.TotalSeconds;
        XlMain.Run(["destroy", name], TextWriter.Null, TextWriter.Null, prefix);
        return seconds;
    }

    private static bool Prompt(string log, string tty)
    {
        try
        {
            using var f = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var text = new StreamReader(f).ReadToEnd();
            int banner = text.IndexOf($"debian {tty}", StringComparison.Ordinal);
            return banner >= 0 && text.IndexOf("debian login:", banner, StringComparison.Ordinal) >= 0;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    private static string Overlay(string root, string name, string image)
    {
        var overlay = Path.Combine(root, name + ".qcow2");
        File.Delete(overlay);
        Run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", image, overlay);
        return overlay;
    }

    /// <summary>The image with the tests' login (same cache key as the tests, so normally cached).</summary>
    internal static string BuildImage()
    {
        var repo = GuestKit.RepoRoot();
        var output = Run(Path.Combine(repo, "scripts/debian-image/build"), "--admin-password-file",
            Path.Combine(repo, "tests/Xeno.Engine.Tests/RealGuests/admin-password"));
        return output.Split('\n').Single(l => l.StartsWith("image=", StringComparison.Ordinal))["image=".Length..];
    }

    /// <summary>Runs a tool for its output, its stderr left on the terminal: the image build shows its progress there (minutes when not cached).</summary>
    private static string Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {tool}");
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed ({p.ExitCode})");
        return text;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
