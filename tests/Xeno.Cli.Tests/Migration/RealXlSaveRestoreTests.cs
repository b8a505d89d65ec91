using System.Buffers.Binary;
using Xeno.Cli.Tests.Support;

namespace Xeno.Cli.Tests.Migration;

/// <summary>
/// xl save / restore's usage errors, help and save-file header checks, byte for byte against
/// Debian's real xl (Xen 4.17) under tools/xl-spec-oracle/xl-shim.c: real xl reads a restore
/// file's header before it needs the hypervisor, so its messages for a wrong magic, a wrong
/// byte order, an unknown mandatory flag, a short config or a missing file are the reference.
/// </summary>
public sealed class RealXlSaveRestoreTests : IDisposable
{
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
        var real = RealXl.Run(args);
        var ours = _xl.Run(args);
        Assert.Equal(real, (ours.Exit, ours.Out, ours.Err));
    }

    public void Dispose() => _xl.Dispose();
}
