using System.Diagnostics;
using System.Globalization;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// A target "host" for storage tests: a real xenod process in its own mount namespace where the
/// guest's disk folder is an empty tmpfs of a given size, so the source's disk path names another
/// file there (as on another host), and a small size stands for a full disk.
/// </summary>
internal sealed class SeparateDiskHost
{
    private SeparateDiskHost(Process daemon) => Daemon = daemon;

    public Process Daemon { get; }

    public static SeparateDiskHost Start(string prefix, string diskDir, string tmpfsSize = "64m")
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "xenod.dll");
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // unshare and sh exec in turn: the daemon's pid is this process's, for nsenter.
        foreach (var a in new[] { "-m", "--propagation", "private", "sh", "-c",
                     "mount -t tmpfs -o size=\"$4\" xeno-target-disks \"$1\" && exec dotnet \"$2\" run --prefix \"$3\"",
                     "sh", diskDir, dll, prefix, tmpfsSize })
            info.ArgumentList.Add(a);
        var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start the target's xenod");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return new SeparateDiskHost(p);
    }

    /// <summary>Runs a command in the target's mount namespace: (exit status, stdout).</summary>
    public (int Exit, string Out) Run(params string[] command)
    {
        var info = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-t", Daemon.Id.ToString(CultureInfo.InvariantCulture), "-m", "--" }.Concat(command))
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = err.Result;
        return (p.ExitCode, output);
    }

    public bool Exists(string path) => Run("test", "-e", path).Exit == 0;
}
