using System.Diagnostics;
using System.Globalization;

namespace Xeno.Engine.Bench;

/// <summary>Runs short-lived commands and finds the QEMUs that belong to one prefix.</summary>
internal static class HostProcesses
{
    public sealed record Result(int Exit, string Out, string Err, double Milliseconds);

    /// <summary>Runs a program to completion; the time covers start-up, the work and exit.</summary>
    public static Result Run(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {executable}");
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var ms = sw.Elapsed.TotalMilliseconds;
        return new Result(p.ExitCode, output, err.Result, ms);
    }

    /// <summary>Runs a program that must succeed and returns its output; a failure throws with its stderr.</summary>
    public static string Check(string executable, params string[] args)
    {
        var r = Run(executable, args);
        if (r.Exit != 0)
            throw new InvalidOperationException($"{executable} failed ({r.Exit}): {r.Err.Trim()}");
        return r.Out;
    }

    /// <summary>Live QEMU processes whose command line names a path under <paramref name="prefix"/>.</summary>
    public static List<int> QemusUnder(string prefix)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone meanwhile
            }
            var argv = cmdline.Split('\0');
            if (argv[0].Contains("qemu-system", StringComparison.Ordinal) && argv.Any(a => a.Contains(prefix + "/", StringComparison.Ordinal)))
                pids.Add(pid);
        }
        return pids;
    }

    /// <summary>Kills whatever QEMU of the prefix is still there; returns how many it had to kill.</summary>
    public static int KillQemusUnder(string prefix)
    {
        int killed = 0;
        foreach (var pid in QemusUnder(prefix))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                p.WaitForExit(10_000);
                killed++;
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
        return killed;
    }
}
