using System.Buffers.Binary;
using System.IO.Compression;
using Xeno.Engine.Domains;
using Xeno.Qemu.Kernel;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Tests.Unit;

/// <summary>
/// Fast PV boot: which kernels a pv guest enters through the PVH entry (the cached, host-unpacked
/// ELF pvh uses) and which boot as given, decided purely and then through PvhKernelCache on
/// synthetic kernels (gzip bzImages around tiny ELFs with and without Xen's PVH note).
/// </summary>
public sealed class KernelBootDecisionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-kernelboot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly KernelImageInfo ElfWithNote = new(KernelImageFormat.Elf, HasPvhEntry: true);
    private static readonly KernelImageInfo ElfWithoutNote = new(KernelImageFormat.Elf);
    private static readonly KernelImageInfo BzImageXz = new(KernelImageFormat.BzImage, PayloadCompression.Xz, 1024, 512);

    [Fact]
    public void AnElfWithTheNoteIsEnteredAsIs()
    {
        var c = KernelBootDecision.Choose("/k", ElfWithNote, null, null);
        Assert.Equal(new KernelBootChoice(KernelBootRoute.PvhElf, "/k", "an ELF kernel with the PVH entry note"), c);
        Assert.True(c.ThroughPvh);
    }

    [Fact]
    public void ABzImageWithAnUnpackedPvhElfBootsTheCachedElf()
    {
        var c = KernelBootDecision.Choose("/k", BzImageXz, "/cache/ab.elf", null);
        Assert.Equal(KernelBootRoute.UnpackedPvhElf, c.Route);
        Assert.Equal("/cache/ab.elf", c.Kernel);
        Assert.True(c.ThroughPvh);
    }

    [Theory]
    [InlineData(false, null, "the ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)")]
    [InlineData(true, null, "the kernel inside the bzImage has no PVH entry note")]
    [InlineData(true, "bzImage payload compression zstd is not supported (xz and gzip are)", "bzImage payload compression zstd is not supported (xz and gzip are)")]
    public void WithoutAPvhEntryTheKernelBootsAsGivenAndSaysWhy(bool bzImage, string? problem, string why)
    {
        var c = KernelBootDecision.Choose("/k", bzImage ? BzImageXz : ElfWithoutNote, null, problem);
        Assert.Equal(new KernelBootChoice(KernelBootRoute.AsGiven, "/k", why), c);
        Assert.False(c.ThroughPvh);
    }

    [Fact]
    public void AFileThatIsNoKernelBootsAsGivenForQemuToJudge()
    {
        var c = KernelBootDecision.Choose("/k", null, null, "not a Linux kernel: neither an ELF file nor a bzImage (no \"HdrS\" boot header)");
        Assert.Equal(KernelBootRoute.AsGiven, c.Route);
        Assert.Equal("/k", c.Kernel);
    }

    [Fact]
    public void TheCacheUnpacksABzImageWithTheNoteOnceAndKeysItOnContent()
    {
        var cache = new PvhKernelCache(Path.Combine(_dir, "kernels"));
        var elf = Elf(pvhNote: true);
        var first = Write("a/kernel", BzImage(elf));
        var c = cache.Inspect(first);
        Assert.Equal(KernelBootRoute.UnpackedPvhElf, c.Route);
        Assert.Equal(elf, File.ReadAllBytes(c.Kernel));
        Assert.StartsWith(Path.Combine(_dir, "kernels") + "/", c.Kernel, StringComparison.Ordinal);
        Assert.Equal(c.Kernel, cache.Resolve(first)); // pvh takes the same ELF

        // Same bytes elsewhere: the same cached ELF. New bytes at the same path (pygrub's
        // boot/kernel after the guest installed another kernel): a different ELF.
        Assert.Equal(c.Kernel, cache.Inspect(Write("b/kernel", BzImage(elf))).Kernel);
        var other = Elf(pvhNote: true);
        other[300] = 0x55;
        var changed = cache.Inspect(Write("a/kernel", BzImage(other)));
        Assert.Equal(KernelBootRoute.UnpackedPvhElf, changed.Route);
        Assert.NotEqual(c.Kernel, changed.Kernel);
        Assert.Equal(other, File.ReadAllBytes(changed.Kernel));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "kernels")).Length);
    }

    [Fact]
    public void ABzImageWithoutTheNoteFallsBackForPvAndIsRefusedForPvh()
    {
        var cache = new PvhKernelCache(Path.Combine(_dir, "kernels"));
        var kernel = Write("kernel", BzImage(Elf(pvhNote: false)));
        var c = cache.Inspect(kernel);
        Assert.Equal(new KernelBootChoice(KernelBootRoute.AsGiven, kernel, "the kernel inside the bzImage has no PVH entry note"), c);
        Assert.Equal(c, cache.Inspect(kernel)); // remembered, same answer
        var e = Assert.Throws<EngineException>(() => cache.Resolve(kernel));
        Assert.Equal($"pvh: kernel {kernel}: the kernel inside the bzImage has no PVH entry note", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "kernels")) && Directory.GetFiles(Path.Combine(_dir, "kernels")).Length > 0);
    }

    [Fact]
    public void ElfKernelsAndNonKernelsAreNeverCopied()
    {
        var cache = new PvhKernelCache(Path.Combine(_dir, "kernels"));
        var withNote = Write("vmlinux", Elf(pvhNote: true));
        Assert.Equal(new KernelBootChoice(KernelBootRoute.PvhElf, withNote, "an ELF kernel with the PVH entry note"), cache.Inspect(withNote));
        var without = Write("vmlinux-old", Elf(pvhNote: false));
        Assert.Equal(KernelBootRoute.AsGiven, cache.Inspect(without).Route);
        var junk = Write("initrd", [1, 2, 3, 4]);
        var c = cache.Inspect(junk);
        Assert.Equal(new KernelBootChoice(KernelBootRoute.AsGiven, junk, "not a Linux kernel: neither an ELF file nor a bzImage (no \"HdrS\" boot header)"), c);
        // An unsupported payload compression: pv boots the bzImage, QEMU's own loader copes.
        var zstd = BzImage(Elf(pvhNote: true));
        new byte[] { 0x28, 0xb5, 0x2f, 0xfd }.CopyTo(zstd, 1024);
        var z = cache.Inspect(Write("zstd", zstd));
        Assert.Equal(KernelBootRoute.AsGiven, z.Route);
        Assert.Equal("bzImage payload compression zstd is not supported (xz and gzip are)", z.Why);
        Assert.False(Directory.Exists(Path.Combine(_dir, "kernels")));
    }

    [Fact]
    public void TheRouteIsLoggedOncePerDomainAndAgainWhenItChanges()
    {
        var log = new EngineLog(null, TimeProvider.System);
        var routes = new PvKernelRouteLog(log);
        var files = new RuntimeFiles("q", "c", "l", "a", "p");
        var d = new Domain(7, Specs.From("name=\"pv7\"\ntype=\"pv\"\nmemory=96\nkernel=\"/boot/k\"\n"), files, DateTimeOffset.UnixEpoch);
        var fast = new KernelBootChoice(KernelBootRoute.UnpackedPvhElf, "/cache/x.elf", "why");
        routes.Note(d, "/boot/k", fast);
        routes.Note(d, "/boot/k", fast); // a restart on the same route: nothing new
        routes.Note(d, "/boot/k", new KernelBootChoice(KernelBootRoute.AsGiven, "/boot/k", "the kernel inside the bzImage has no PVH entry note"));
        var other = new Domain(8, Specs.From("name=\"pv8\"\ntype=\"pv\"\nmemory=96\nkernel=\"/boot/k\"\n"), files, DateTimeOffset.UnixEpoch);
        routes.Note(other, "/boot/k", fast);
        var lines = log.Recent().Select(l => l[(l.IndexOf("xenod: ", StringComparison.Ordinal) + 7)..]).ToArray();
        Assert.Equal([
            "domain pv7 (7): pv kernel /boot/k boots through its PVH entry from /cache/x.elf: why",
            "domain pv7 (7): pv kernel /boot/k boots as given (a bzImage decompresses itself in the guest): the kernel inside the bzImage has no PVH entry note",
            "domain pv8 (8): pv kernel /boot/k boots through its PVH entry from /cache/x.elf: why",
        ], lines);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A bzImage header (boot protocol 2.15) with a gzip payload at offset 1024.</summary>
    private static byte[] BzImage(byte[] elf)
    {
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            z.Write(elf);
        var payload = gz.ToArray();
        var bytes = new byte[1024 + payload.Length];
        bytes[0x1f1] = 1; // setup sectors: the payload area starts at 1024
        "HdrS"u8.CopyTo(bytes.AsSpan(0x202));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x206), 0x20f);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x248), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x24c), (uint)payload.Length);
        payload.CopyTo(bytes, 1024);
        return bytes;
    }

    /// <summary>A minimal ELF64: header, one PT_NOTE program header, Xen's note (type 18 = PVH entry, or 17).</summary>
    private static byte[] Elf(bool pvhNote)
    {
        var bytes = new byte[512];
        "\u007fELF"u8.CopyTo(bytes);
        bytes[4] = 2; // 64-bit
        bytes[5] = 1; // little-endian
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x20), 64);   // phoff
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x36), 56);   // phentsize
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x38), 1);    // phnum
        var ph = bytes.AsSpan(64);
        BinaryPrimitives.WriteUInt32LittleEndian(ph, 4);                     // PT_NOTE
        BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], 200);             // offset
        BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], 20);             // filesz
        var note = bytes.AsSpan(200);
        BinaryPrimitives.WriteUInt32LittleEndian(note, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(note[4..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(note[8..], pvhNote ? 18u : 17u);
        "Xen\0"u8.CopyTo(note[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(note[16..], 0x1000000);
        return bytes;
    }
}
