using System.Diagnostics;
using System.Globalization;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// A target "host" for storage tests: a real xenod process in its own mount namespace where the
/// guest's disk folder is an empty tmpfs of a given size, so the source's disk path names another
/// file there (as on another host), and a small size stands for a full disk. The namespace is held
/// by a process of its own (which ends with the test process at the latest), so a xenod killed and
/// started again (<see cref="Restart"/>) finds the files its predecessor left, as on a real host.
/// </summary>
internal sealed class SeparateDiskHost : IDisposable
{
    private readonly Process _holder;
    private readonly string _prefix;

    private SeparateDiskHost(Process holder, string prefix)
    {
        _holder = holder;
        _prefix = prefix;
        Daemon = StartDaemon();
    }

    public Process Daemon { get; private set; }

    public static SeparateDiskHost Start(string prefix, string diskDir, string tmpfsSize = "64m")
    {
        var info = new ProcessStartInfo("unshare") { UseShellExecute = false };
        // tail --pid ends with this test process even if Dispose is never reached.
        foreach (var a in new[] { "-m", "--propagation", "private", "sh", "-c",
                     "mount -t tmpfs -o size=\"$2\" xeno-target-disks \"$1\" && exec tail -f /dev/null --pid=\"$3\"",
                     "sh", diskDir, tmpfsSize, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        var holder = Process.Start(info) ?? throw new InvalidOperationException("cannot start the target's mount namespace");
        // The daemon enters the namespace once the tmpfs is mounted in it.
        var mountInfo = $"/proc/{holder.Id.ToString(CultureInfo.InvariantCulture)}/mountinfo";
        var sw = Stopwatch.StartNew();
        while (!MountedIn(mountInfo, diskDir))
        {
            if (holder.HasExited || sw.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException($"the target's tmpfs at {diskDir} was not mounted");
            Thread.Sleep(20);
        }
        return new SeparateDiskHost(holder, prefix);
    }

    private static bool MountedIn(string mountInfo, string dir)
    {
        try
        {
            return File.ReadLines(mountInfo).Any(l => l.Split(' ') is { Length: > 4 } f && f[4] == dir);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private Process StartDaemon()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "xenod.dll");
        var info = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // nsenter execs dotnet: the daemon's pid is this process's.
        foreach (var a in new[] { "-t", _holder.Id.ToString(CultureInfo.InvariantCulture), "-m", "--", "dotnet", dll, "run", "--prefix", _prefix })
            info.ArgumentList.Add(a);
        var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start the target's xenod");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>A new xenod in the same namespace (the last one must have ended).</summary>
    public void Restart()
    {
        if (!Daemon.HasExited)
            throw new InvalidOperationException("the target's xenod still runs");
        Daemon = StartDaemon();
    }

    /// <summary>Runs a command in the target's mount namespace: (exit status, stdout).</summary>
    public (int Exit, string Out) Run(params string[] command)
    {
        var info = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-t", _holder.Id.ToString(CultureInfo.InvariantCulture), "-m", "--" }.Concat(command))
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = err.Result;
        return (p.ExitCode, output);
    }

    public bool Exists(string path) => Run("test", "-e", path).Exit == 0;

    /// <summary>Ends the namespace's holder (after the xenod: the tmpfs goes with the last process in it).</summary>
    public void Dispose()
    {
        if (!_holder.HasExited)
        {
            _holder.Kill();
            _holder.WaitForExit();
        }
        _holder.Dispose();
    }
}
