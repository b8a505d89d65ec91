using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Cli.Tests.Migration;

/// <summary>
/// xl save / restore's usage errors, help and save-file header checks, byte for byte against
/// Debian's real xl (Xen 4.17) under tools/xl-spec-oracle/xl-shim.c: real xl reads a restore
/// file's header before it needs the hypervisor, so its messages for a wrong magic, a wrong
/// byte order, an unknown mandatory flag, a short config or a missing file are the reference.
/// </summary>
public sealed class RealXlSaveRestoreTests : IDisposable
{
    private const string RealXlPath = "/usr/lib/xen-4.17/bin/xl";
    private static readonly Lazy<string> Shim = new(BuildShim);
    private readonly XlRunner _xl = new();

    public static TheoryData<string> UsageCases() =>
    [
        "save", "save d", "save -h", "help save", "save a b c d", "save -x d f",
        "restore", "restore -h", "help restore", "restore a b c", "restore -q f",
    ];

    [Theory]
    [MemberData(nameof(UsageCases))]
    public void UsageIsXens(string line) => AssertSame(line.Split(' '));

    private static byte[] Header(uint order, uint mandatory, uint optionalLength, byte[] optional) =>
    [
        .. "Xen saved domain, xl format\n \0 \r"u8,
        .. U32(order), .. U32(mandatory), .. U32(0), .. U32(optionalLength), .. optional,
    ];

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    public static TheoryData<string> FileCases() => ["magic", "order", "flags", "short-config", "missing"];

    [Theory]
    [MemberData(nameof(FileCases))]
    public void HeaderErrorsAreXens(string label)
    {
        byte[]? bytes = label switch
        {
            "magic" => [.. new byte[32], .. U32(0x01020304), .. U32(3), .. U32(0), .. U32(0)],
            "order" => Header(0x04030201, 3, 0, []),
            "flags" => Header(0x01020304, 0x7, 8, [.. U32(4), .. "{}\0\0"u8]),
            // The config announces 100 bytes, the optional data holds 4.
            "short-config" => Header(0x01020304, 0x3, 4, U32(100)),
            _ => null,
        };
        var path = Path.Combine(_xl.Root, label + ".sav");
        if (bytes is not null)
            File.WriteAllBytes(path, bytes);
        AssertSame(["restore", path]);
    }

    private void AssertSame(string[] args)
    {
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
