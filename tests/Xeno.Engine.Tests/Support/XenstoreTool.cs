using System.Diagnostics;

namespace Xeno.Engine.Tests.Support;

/// <summary>Debian's xenstore-utils clients (xenstore-read ...) against a prefix's xenstored socket.</summary>
internal static class XenstoreTool
{
    public static (int Exit, string Out) Run(string prefix, string tool, params string[] args)
    {
        var path = "/usr/bin/" + tool;
        Assert.True(File.Exists(path), $"{path} is missing: install the Debian package xenstore-utils");
        var info = new ProcessStartInfo(path, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["XENSTORED_PATH"] = Path.Combine(prefix, "run/xenstored/socket");
        using var p = Process.Start(info)!;
        var o = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o);
    }
}
