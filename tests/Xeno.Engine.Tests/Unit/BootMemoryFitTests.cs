using System.Buffers.Binary;
using System.IO.Compression;
using Xeno.Engine.Domains;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Tests.Unit;

/// <summary>
/// Guest memory at boot, with the numbers measured on the test kit (BENCHMARKS.md, "Guest memory
/// at boot"): its Debian 6.1 kernel reserves guest memory up to 74 MiB; the kit's initrd is 4.3 MiB
/// (11.4 MB unpacked), the kit with iperf3 6.2 MiB (16.4 MB unpacked). At 88 MiB the first and at
/// 96 MiB the second panicked unpacking the initramfs, before any console line.
/// </summary>
public sealed class BootMemoryFitTests : IDisposable
{
    private const long KernelEnd = 0x4a00000;
    private const long KitInitrd = 4_464_240, KitUnpacked = 11_447_296;
    private const long IperfInitrd = 6_450_589, IperfUnpacked = 16_419_840;
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-bootmem-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(88, KitInitrd, KitUnpacked, "Tight", 102)]   // panicked every time
    [InlineData(96, KitInitrd, KitUnpacked, "Tight", 102)]   // the intermittent case
    [InlineData(102, KitInitrd, KitUnpacked, "Fits", 0)]
    [InlineData(128, KitInitrd, KitUnpacked, "Fits", 0)]
    [InlineData(96, IperfInitrd, IperfUnpacked, "Tight", 108)] // the kit that "hung"
    [InlineData(108, IperfInitrd, IperfUnpacked, "Fits", 0)]
    [InlineData(78, KitInitrd, KitUnpacked, "TooSmall", 102)]
    [InlineData(64, KitInitrd, null, "TooSmall", 91)]
    public void TheKitsNumbers(long memory, long initrd, long? unpacked, string verdict, long suggested)
    {
        var r = BootMemoryFit.Check("g", memory, KernelEnd, initrd, unpacked);
        Assert.Equal(verdict, r.Verdict.ToString());
        Assert.Equal(suggested, r.SuggestedMiB);
        Assert.Equal(verdict != "Fits", r.Message is not null);
    }

    [Fact]
    public void TheMessagesNameTheNumbers()
    {
        Assert.Equal("domain pv-a: memory=96 MiB is tight for its kernel and initramfs: the kernel occupies guest memory up to 74.0 MiB, " +
            "the initrd takes 6.2 MiB and unpacks to 15.7 MiB, leaving 0.2 MiB (the kernel needs about 12 more to reach /init); " +
            "if it runs out it panics before its console exists and the guest shows no output at all; give it at least 108 MiB",
            BootMemoryFit.Check("pv-a", 96, KernelEnd, IperfInitrd, IperfUnpacked).Message);
        Assert.Equal("domain pv-a: memory=72 MiB cannot hold its kernel and initrd: the kernel occupies guest memory up to 74.0 MiB " +
            "and the initrd (4.3 MiB) is loaded at the top of RAM; give it at least 102 MiB",
            BootMemoryFit.Check("pv-a", 72, KernelEnd, KitInitrd, KitUnpacked).Message);
        Assert.Equal("domain k: memory=64 MiB cannot hold its kernel and initrd: the kernel occupies guest memory up to 74.0 MiB; give it at least 86 MiB",
            BootMemoryFit.Check("k", 64, KernelEnd, null, null).Message);
    }

    [Fact]
    public void UnknownFactsNeverRefuse()
    {
        Assert.Equal(new BootMemoryFitResult(BootMemoryVerdict.Fits, 0, null), BootMemoryFit.Check("g", 16, null, KitInitrd, KitUnpacked));
        Assert.Equal(new BootMemoryFitResult(BootMemoryVerdict.Fits, 0, null), BootMemoryFit.Check("g", 80, KernelEnd, KitInitrd, null));
    }

    [Fact]
    public void TheCheckRefusesWhatCannotLoadAndWarnsOncePerDomain()
    {
        var kernel = Write("vmlinux", Elf(0x1000000, 0x3a00000));
        var initrd = Write("initrd.img", Gzip(new byte[IperfUnpacked]));
        var log = new EngineLog(null, TimeProvider.System);
        var check = new BootMemoryCheck(log);
        var files = new RuntimeFiles("q", "c", "l", "a", "p");
        Domain At(int memory) => new(1, Specs.From($"name=\"g\"\ntype=\"pv\"\nmemory={memory}\nkernel=\"{kernel}\"\nramdisk=\"{initrd}\"\n"), files, DateTimeOffset.UnixEpoch);

        var refused = Assert.Throws<EngineException>(() => { var d = At(74); check.Apply(d, d.Spec); });
        Assert.Equal(EngineErrorKind.Invalid, refused.Kind);
        Assert.StartsWith("domain g: memory=74 MiB cannot hold its kernel and initrd: the kernel occupies guest memory up to 74.0 MiB", refused.Message, StringComparison.Ordinal);

        var tight = At(96);
        check.Apply(tight, tight.Spec);
        check.Apply(tight, tight.Spec); // a restart: said already
        var roomy = At(108);
        check.Apply(roomy, roomy.Spec);
        var hvm = new Domain(2, Specs.From($"name=\"h\"\ntype=\"hvm\"\nmemory=8\nkernel=\"{kernel}\"\n"), files, DateTimeOffset.UnixEpoch);
        check.Apply(hvm, hvm.Spec); // hvm direct boot is not checked (firmware takes its own share)
        var lines = log.Recent().Select(l => l[(l.IndexOf("xenod: ", StringComparison.Ordinal) + 7)..]).ToArray();
        var only = Assert.Single(lines);
        Assert.StartsWith("warning: domain g: memory=96 MiB is tight for its kernel and initramfs: ", only, StringComparison.Ordinal);
        Assert.Contains("unpacks to 15.7 MiB", only, StringComparison.Ordinal);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>A minimal ELF64 with one PT_LOAD segment (physical address, memsz).</summary>
    private static byte[] Elf(ulong paddr, ulong memsz)
    {
        var bytes = new byte[256];
        "\u007fELF"u8.CopyTo(bytes);
        bytes[4] = 2;
        bytes[5] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x20), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x36), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x38), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(64), 1); // PT_LOAD
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(64 + 24), paddr);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(64 + 40), memsz);
        return bytes;
    }
}
