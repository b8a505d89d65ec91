using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Cli.Tests.Runtime;

/// <summary>
/// The run-time control commands' argument errors and help, byte for byte against Debian's real
/// xl (Xen 4.17) run under tools/xl-spec-oracle/xl-shim.c (it stands in for the hypervisor, so xl
/// gets as far as its own argument handling). These answers need no xenod.
/// </summary>
public sealed class RealXlUsageTests : IDisposable
{
    private const string RealXlPath = "/usr/lib/xen-4.17/bin/xl";
    private static readonly Lazy<string> Shim = new(BuildShim);
    private readonly XlRunner _xl = new();

    /// <summary>Each case is xl's arguments, space separated.</summary>
    public static TheoryData<string> Cases() =>
    [
        "vcpu-set", "vcpu-set d", "vcpu-set -h", "vcpu-set -q d 1",
        "sysrq", "sysrq d", "sysrq -h",
        "trigger", "trigger d", "trigger -h",
        "dump-core", "dump-core d", "dump-core -h",
        "debug-keys", "debug-keys -h",
        "top -h", "help top", "help vcpu-set", "help trigger",
        "send-debug-keys x",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameTextAndStatusAsXen(string line)
    {
        var args = line.Split(' ');
        var real = RunReal(args);
        var ours = _xl.Run(args);
        Assert.Equal(real, (ours.Exit, ours.Out, ours.Err));
    }

    private static (int, string, string) RunReal(string[] args)
    {
        Assert.True(File.Exists(RealXlPath), $"{RealXlPath} is missing: apt-get install --no-install-recommends xen-utils-4.17");
        var psi = new ProcessStartInfo(RealXlPath, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["LD_PRELOAD"] = Shim.Value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), "real xl did not finish in 30 s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string BuildShim()
    {
        var dir = Directory.CreateTempSubdirectory("xeno-xl-shim-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        var output = Path.Combine(dir, "xl-shim.so");
        var psi = new ProcessStartInfo("gcc", ["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", output, ShimSource(), "-ldl"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var gcc = Process.Start(psi)!;
        var err = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
            throw new InvalidOperationException("building xl-shim failed (needs gcc and libxen-dev): " + err);
        return output;
    }

    private static string ShimSource([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "tools", "xl-spec-oracle", "xl-shim.c"));

    public void Dispose() => _xl.Dispose();
}
