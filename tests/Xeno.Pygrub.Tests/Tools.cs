using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Xeno.Pygrub.Files;

namespace Xeno.Pygrub.Tests;

/// <summary>What a run of pygrub (Xen's or ours) produced.</summary>
internal sealed record RunResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

/// <summary>Runs Xen's pygrub as a process and ours in-process, the same way.</summary>
internal static class Tools
{
    public const string XenPygrub = "/usr/lib/xen-4.17/bin/pygrub";

    public static string RepoRoot([CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));

    public static void RequireXenPygrub()
    {
        if (!File.Exists(XenPygrub))
            Assert.Fail($"{XenPygrub} is missing: install Debian's xen-utils-4.17 (apt-get install --no-install-recommends xen-utils-4.17); it is the reference these tests compare against");
    }

    public static RunResult RunXen(params string[] args)
    {
        RequireXenPygrub();
        var psi = new ProcessStartInfo(XenPygrub)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); Assert.Fail($"Xen's pygrub did not finish: {string.Join(' ', args)}"); }
        copy.Wait();
        return new RunResult(p.ExitCode, stdout.ToArray(), stderr.Result);
    }

    public static RunResult RunOurs(params string[] args) => RunOurs(HostImages.Open, args);

    public static RunResult RunOurs(Func<string, GuestImage> openImage, params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var host = new PygrubHost
        {
            Stdout = stdout,
            Stderr = stderr,
            OpenImage = openImage,
            Program = XenPygrub,
            IsTerminal = false,
        };
        int code = new PygrubCommand(host).Run(args);
        return new RunResult(code, stdout.ToArray(), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "xeno-pygrub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
