using System.Diagnostics;

namespace Xeno.Network.Bench;

/// <summary>Host commands as argument vectors (ip, qemu-img, cpio): never a shell string.</summary>
internal static class HostCommand
{
    public static string Run(params string[] argv)
    {
        var (exit, output, error) = TryRun(argv);
        if (exit != 0)
            throw new InvalidOperationException($"{string.Join(' ', argv)} failed ({exit}): {error}");
        return output;
    }

    public static (int Exit, string Out, string Err) TryRun(params string[] argv)
    {
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in argv.Skip(1))
            info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {argv[0]}");
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }
}
