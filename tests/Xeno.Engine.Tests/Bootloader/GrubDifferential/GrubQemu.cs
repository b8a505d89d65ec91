using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Xeno.Engine.Tests.Bootloader.GrubDifferential;

/// <summary>
/// What the kernel GRUB started saw: GRUB passes "BOOT_IMAGE=&lt;kernel as written&gt; &lt;arguments&gt;"
/// and loads the initrds as one block whose size the kernel logs ("RAMDISK: [mem a-b]", page
/// aligned). Null <see cref="CommandLine"/>: GRUB booted nothing; <see cref="WaitedForAKey"/> when GRUB
/// itself stopped there (its menu without a timeout, an error's "Press any key", its prompt), otherwise the
/// time ran out or QEMU stopped.
/// </summary>
public sealed record GrubBootResult(string? CommandLine, long? RamdiskBytes, string SerialLog, bool WaitedForAKey)
{
    public string? KernelPath => CommandLine is null ? null : Split().Kernel;
    public string? Arguments => CommandLine is null ? null : Split().Args;

    private (string Kernel, string Args) Split()
    {
        var line = CommandLine!;
        if (!line.StartsWith("BOOT_IMAGE=", StringComparison.Ordinal)) return ("", line);
        int space = line.IndexOf(' ');
        var image = space < 0 ? line["BOOT_IMAGE=".Length..] : line["BOOT_IMAGE=".Length..space];
        // "(hd0,msdos1)/boot/vmlinuz": the device is GRUB's business, the path is what both pick.
        if (image.StartsWith('(') && image.IndexOf(')') is var close and > 0) image = image[(close + 1)..];
        return (image, space < 0 ? "" : line[(space + 1)..]);
    }
}

/// <summary>
/// Boots a disk in QEMU (TCG, BIOS) and reads the serial console until the kernel has logged
/// its command line (then QEMU is stopped: nothing after that matters), QEMU exits, or the
/// time runs out. The drives are opened with snapshot=on: GRUB's save_env never writes them.
/// </summary>
public static class GrubQemu
{
    private static readonly Regex CommandLine = new(@"(?:^|\] )Command line: (.*?)\r?$", RegexOptions.Multiline);
    private static readonly Regex Ramdisk = new(@"\] RAMDISK: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]", RegexOptions.None);

    /// <summary>How long a screen that waits for a key must stay unchanged before the case ends (a countdown redraws every second).</summary>
    private static readonly TimeSpan KeyWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// GRUB shows its menu with no timeout, or an error with "Press any key to continue...", and
    /// waits for a key for ever: no entry boots, which the comparison treats as GRUB booting nothing.
    /// Only the screen's last lines count, so a menu that timed out and went on booting is not taken for one.
    /// </summary>
    private static bool WaitsForAKey(string log)
    {
        var tail = log[Math.Max(0, log.Length - 800)..];
        return tail.Contains("Use the ^ and v keys", StringComparison.Ordinal) || tail.Contains("Press any key to continue", StringComparison.Ordinal) ||
               // GRUB (2 or legacy) found no config it could run and waits at its command line.
               tail.TrimEnd().EndsWith("grub>", StringComparison.Ordinal);
    }

    public static async Task<GrubBootResult> BootAsync(IReadOnlyList<string> drives, string serialLog, TimeSpan limit, CancellationToken cancel)
    {
        var info = new ProcessStartInfo("qemu-system-x86_64") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-machine", "pc,accel=tcg", "-m", "160", "-nodefaults", "-display", "none", "-no-reboot",
                     "-serial", "file:" + serialLog, "-monitor", "none", "-boot", "c" })
            info.ArgumentList.Add(a);
        for (int i = 0; i < drives.Count; i++)
        {
            info.ArgumentList.Add("-drive");
            info.ArgumentList.Add($"file={drives[i]},format=raw,if=ide,index={i},snapshot=on");
        }
        File.WriteAllText(serialLog, "");
        using var qemu = Process.Start(info) ?? throw new InvalidOperationException("qemu-system-x86_64 did not start");
        var stderr = qemu.StandardError.ReadToEndAsync(cancel);
        _ = qemu.StandardOutput.ReadToEndAsync(cancel);
        var sw = Stopwatch.StartNew();
        var unchanged = Stopwatch.StartNew();
        string log = "";
        bool waited = false;
        try
        {
            while (sw.Elapsed < limit)
            {
                var now = File.ReadAllText(serialLog);
                if (now.Length != log.Length) unchanged.Restart();
                log = now;
                // "Kernel command line:" comes after setup_arch logged RAMDISK and Command line.
                if (log.Contains("Kernel command line:", StringComparison.Ordinal) || qemu.HasExited) break;
                if (unchanged.Elapsed > KeyWait && WaitsForAKey(log))
                {
                    waited = true;
                    break;
                }
                await Task.Delay(250, cancel);
            }
        }
        finally
        {
            if (!qemu.HasExited)
            {
                qemu.Kill();
                await qemu.WaitForExitAsync(CancellationToken.None);
            }
        }
        log = File.ReadAllText(serialLog);
        if (qemu.ExitCode != 0 && !log.Contains("Kernel command line:", StringComparison.Ordinal) && sw.Elapsed < limit)
        {
            var err = await stderr;
            if (err.Length > 0) log += "\n[qemu stderr] " + err;
        }
        var cmd = CommandLine.Match(log);
        var rd = Ramdisk.Match(log);
        long? ramdisk = rd.Success
            ? long.Parse(rd.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) -
              long.Parse(rd.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) + 1
            : null;
        return new GrubBootResult(cmd.Success ? cmd.Groups[1].Value.TrimEnd() : null, ramdisk, log, waited && !cmd.Success);
    }
}
