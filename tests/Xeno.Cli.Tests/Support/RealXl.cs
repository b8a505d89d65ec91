using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Cli.Tests.Support;

/// <summary>
/// Debian's real xl (Xen 4.17) under tools/xl-spec-oracle/xl-shim.c (which stands in for the
/// hypervisor calls and resolves any domain), for what xl decides before it needs a hypervisor:
/// usage texts, argument errors, save-file header checks, `-N network-attach`'s JSON.
/// </summary>
internal static class RealXl
{
    public const string XlPath = "/usr/lib/xen-4.17/bin/xl";

    private static readonly Lazy<string> Dir = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("xeno-cli-real-xl-").FullName;
        // The shim and xl's working folder go when the test run ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        return dir;
    });
    private static readonly Lazy<string> Shim = new(BuildShim);

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        Assert.True(File.Exists(XlPath), $"{XlPath} is missing: apt-get install --no-install-recommends xen-utils-4.17");
        var info = new ProcessStartInfo(XlPath, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Dir.Value,
        };
        info.Environment["LD_PRELOAD"] = Shim.Value;
        using var p = Process.Start(info)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), "xl did not finish in 30 s");
        // The shim reports the domain look-ups it answered ("@@..."): not xl's output.
        var err = string.Concat(e.Result.Split('\n').Where(l => !l.StartsWith("@@", StringComparison.Ordinal)).Select(l => l + "\n"))[..^1];
        return (p.ExitCode, o.Result, err);
    }

    private static string BuildShim()
    {
        var output = Path.Combine(Dir.Value, "xl-shim.so");
        var info = new ProcessStartInfo("gcc", ["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", output, FindSource(), "-ldl"])
        {
            RedirectStandardError = true, UseShellExecute = false,
        };
        using var gcc = Process.Start(info)!;
        var err = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, "building xl-shim failed (needs gcc and libxen-dev): " + err);
        return output;
    }

    private static string FindSource([CallerFilePath] string thisFile = "")
    {
        for (var d = Path.GetDirectoryName(thisFile); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            var candidate = Path.Combine(d, "tools/xl-spec-oracle/xl-shim.c");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("cannot find tools/xl-spec-oracle/xl-shim.c");
    }
}
