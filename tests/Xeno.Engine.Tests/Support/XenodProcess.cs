using System.Diagnostics;
using Xeno.Engine.Resources;

namespace Xeno.Engine.Tests.Support;

/// <summary>A real xenod process (for kill -9, or in a network namespace standing for another host).</summary>
internal static class XenodProcess
{
    /// <param name="netns">A network namespace to run it in (ip netns exec: its interfaces and /sys), or null.</param>
    public static Process Start(string prefix, string? netns = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "xenod.dll");
        string[] run = ["dotnet", dll, "run", "--prefix", prefix];
        var argv = netns is null ? run : ["ip", "netns", "exec", netns, .. run];
        var info = new ProcessStartInfo(argv[0], argv[1..])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start xenod");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>
    /// Ends a xenod as its service manager would (SIGTERM), so it cleans up what it owns; SIGKILL
    /// only if it has not ended within a minute.
    /// </summary>
    public static void Stop(Process daemon)
    {
        if (daemon.HasExited)
            return;
        using (var term = Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            term.WaitForExit();
        if (!daemon.WaitForExit(60_000))
            daemon.Kill();
    }

    /// <summary>Every host side effect goes with its domain: a xenod that ended with none leaves no cgroup subtree.</summary>
    public static void AssertNoCgroupLeft(string prefix)
    {
        var instance = CgroupHost.Detect(prefix, parentOverride: null).Plan.InstanceDir;
        Assert.True(instance is null || !Directory.Exists(instance), $"xenod left its cgroup subtree behind: {instance}");
    }
}
