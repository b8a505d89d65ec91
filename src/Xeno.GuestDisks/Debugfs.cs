using System.Diagnostics;

namespace Xeno.GuestDisks;

/// <summary>Runs e2fsprogs' debugfs. It exits 0 even when a command fails, so anything on stderr but its banner is a failure.</summary>
public static class Debugfs
{
    public static string Run(string device, bool write, params string[] args)
    {
        var start = new ProcessStartInfo("debugfs")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (write) start.ArgumentList.Add("-w");
        foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add(device);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DebugfsException("debugfs did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DebugfsException($"cannot run debugfs ({e.Message}): install Debian package e2fsprogs");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var errors = stderr.Result.Split('\n')
                .Where(l => l.Length > 0 && !l.StartsWith("debugfs ", StringComparison.Ordinal))
                .ToList();
            if (process.ExitCode != 0 || errors.Count > 0)
                throw new DebugfsException($"debugfs {string.Join(' ', args)} failed: {string.Join("; ", errors)} (exit {process.ExitCode})");
            return stdout;
        }
    }
}
