using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Config.Tests.Specs.Oracle;

/// <summary>
/// Debian's real xl (Xen 4.17) run under tools/xl-spec-oracle/xl-shim.c, which stands in for
/// the hypervisor calls so xl's own parsing (vif specs, cpu lists, mem-set sizes) can be used
/// as the reference. Host seen by xl: 4 CPUs, node 0 = CPUs 0-1, node 1 = CPUs 2-3.
/// </summary>
internal static class RealXl
{
    public const string XlPath = "/usr/lib/xen-4.17/bin/xl";

    private static readonly Lazy<string> Shim = new(BuildShim);
    private static readonly Lazy<string> WorkDir = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "xeno-real-xl-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TempDirs.TryDelete(dir);
        return dir;
    });

    public sealed record Run(int ExitCode, string[] Stdout, string[] Stderr);

    public static Run Exec(params string[] args)
    {
        if (!File.Exists(XlPath))
            throw new InvalidOperationException($"{XlPath} is missing: apt-get install --no-install-recommends xen-utils-4.17");
        var psi = new ProcessStartInfo(XlPath, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkDir.Value,
        };
        psi.Environment["LD_PRELOAD"] = Shim.Value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start xl");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException("xl did not finish in 30 s");
        }
        return new Run(p.ExitCode, Lines(stdout.Result), Lines(stderr.Result));
    }

    /// <summary>Writes a config file (the caller's text) and returns its path.</summary>
    public static string WriteConfig(string name, string text)
    {
        var path = Path.Combine(WorkDir.Value, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string BuildShim()
    {
        var source = FindSource();
        var output = Path.Combine(WorkDir.Value, "xl-shim.so");
        var psi = new ProcessStartInfo("gcc", ["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", output, source, "-ldl"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? gcc;
        try { gcc = Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("xl-shim needs gcc (apt-get install gcc): " + e.Message, e);
        }
        using (gcc)
        {
            if (gcc == null) throw new InvalidOperationException("cannot start gcc");
            var err = gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
                throw new InvalidOperationException("building xl-shim failed (needs gcc and libxen-dev): " + err);
        }
        return output;
    }

    private static string FindSource([CallerFilePath] string thisFile = "")
    {
        const string relative = "tools/xl-spec-oracle/xl-shim.c";
        foreach (var start in new[] { Path.GetDirectoryName(thisFile), Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = start; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            {
                var candidate = Path.Combine(d, relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException($"cannot find {relative}");
    }
}
