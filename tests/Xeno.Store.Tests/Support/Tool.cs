using System.Diagnostics;

namespace Xeno.Store.Tests.Support;

/// <summary>Runs an external program (Debian's xenstore tools, test-xenstore) with XENSTORED_PATH set.</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string Require(string path)
    {
        if (!File.Exists(path))
            Assert.Fail($"{path} is missing: install Debian's xenstore-utils and xen-utils-4.17 (apt-get install -y xenstore-utils xen-utils-4.17)");
        return path;
    }

    public static Result Run(string socket, string program, params string[] args) => RunWithTimeout(socket, TimeSpan.FromSeconds(60), program, args);

    public static Result RunWithTimeout(string socket, TimeSpan timeout, string program, params string[] args)
    {
        var exe = program.Contains('/') ? program : "/usr/bin/" + program;
        Require(exe);
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["XENSTORED_PATH"] = socket;
        psi.Environment["COLUMNS"] = "80";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
