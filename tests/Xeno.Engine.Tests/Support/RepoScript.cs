using System.Diagnostics;

namespace Xeno.Engine.Tests.Support;

/// <summary>
/// Runs one of the repository's build scripts (scripts/guest-kit/build, scripts/debian-image/build)
/// and reads the <c>key=value</c> lines it prints; a failing script fails with its own message.
/// </summary>
internal static class RepoScript
{
    public static Dictionary<string, string> Outputs(string relativePath, params string[] args)
    {
        var script = Path.Combine(GuestKit.RepoRoot(), relativePath);
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {script}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed ({p.ExitCode}): {stderr.Result}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
    }
}
