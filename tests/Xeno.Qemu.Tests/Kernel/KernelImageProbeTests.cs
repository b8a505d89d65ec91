using System.Buffers.Binary;
using System.Diagnostics;
using Xeno.Qemu.Kernel;
using Xeno.Qemu.Tests.Boots;

namespace Xeno.Qemu.Tests.Kernel;

public class KernelImageProbeTests
{
    [Fact]
    public async Task DebiansBzImageCarriesAnXzPayload()
    {
        var kit = await GuestKit.GetAsync();
        using var file = File.OpenRead(kit.Vmlinuz);
        var info = KernelImageProbe.Probe(file);
        Assert.Equal(KernelImageFormat.BzImage, info.Format);
        Assert.Equal(PayloadCompression.Xz, info.Compression);
        Assert.True(info.PayloadOffset > 512 && info.PayloadOffset + info.PayloadLength <= file.Length);
        Assert.False(info.HasPvhEntry);
        // pref_address 16 MiB + init_size 63.6 MiB: the room it decompresses into, 79.6 MiB.
        Assert.Equal(0x1000000L + 0x3f98000, info.MemoryEnd);
    }

    [Fact]
    public async Task TheUnpackedPayloadIsAnElfWithThePvhEntry()
    {
        var kit = await GuestKit.GetAsync();
        using var file = File.OpenRead(kit.Vmlinux);
        // Its last load segment (.init, .bss, .brk) ends at 74 MiB: all of it is reserved at boot.
        Assert.Equal(new KernelImageInfo(KernelImageFormat.Elf, HasPvhEntry: true, MemoryEnd: 0x4a00000), KernelImageProbe.Probe(file));
    }

    [Fact]
    public void MemoryEndIsTheHighestLoadSegmentEnd()
    {
        var elf = Elf(pvhNote: true, loads: [(0x1000000, 0x200000), (0x3000000, 0x1a00000), (0x2a00000, 0x10)]);
        Assert.Equal(0x4a00000L, KernelImageProbe.Probe(new MemoryStream(elf)).MemoryEnd);
        Assert.Null(KernelImageProbe.Probe(new MemoryStream(Elf(pvhNote: true))).MemoryEnd);
    }

    [Fact]
    public void ALoadSegmentBeyondPhysicalMemoryIsRefused()
    {
        var elf = Elf(pvhNote: false, loads: [(1UL << 60, 0x1000)]);
        var error = Assert.Throws<KernelImageException>(() => KernelImageProbe.Probe(new MemoryStream(elf)));
        Assert.Equal("ELF load segment 1 (physical address 1000000000000000, size 4096) lies beyond any guest's memory", error.Message);
    }

    [Fact]
    public void BzImageMemoryEndNeedsProtocol210()
    {
        var image = BzImage();
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(0x258), 0x1000000);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x260), 0x3f98000);
        Assert.Equal(0x4f98000L, KernelImageProbe.Probe(new MemoryStream(image)).MemoryEnd);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x206), 0x209);
        Assert.Null(KernelImageProbe.Probe(new MemoryStream(image)).MemoryEnd);
    }

    [Fact]
    public void SyntheticElfWithAndWithoutTheNote()
    {
        Assert.True(KernelImageProbe.Probe(new MemoryStream(Elf(pvhNote: true))).HasPvhEntry);
        Assert.False(KernelImageProbe.Probe(new MemoryStream(Elf(pvhNote: false))).HasPvhEntry);
    }

    [Theory]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0 }, PayloadCompression.Gzip)]
    [InlineData(new byte[] { 0x42, 0x5a, 0x68, 0x39, 0, 0 }, PayloadCompression.Bzip2)]
    [InlineData(new byte[] { 0x5d, 0, 0, 0x80, 0, 0 }, PayloadCompression.Lzma)]
    [InlineData(new byte[] { 0x89, 0x4c, 0x5a, 0x4f, 0, 0 }, PayloadCompression.Lzo)]
    [InlineData(new byte[] { 0x02, 0x21, 0x4c, 0x18, 0, 0 }, PayloadCompression.Lz4)]
    [InlineData(new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 0, 0 }, PayloadCompression.Zstd)]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0 }, PayloadCompression.Unknown)]
    public void PayloadMagics(byte[] magic, PayloadCompression expected)
    {
        Assert.Equal(expected, KernelImageProbe.Compression(magic));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "not a Linux kernel: neither an ELF file nor a bzImage (no \"HdrS\" boot header)")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1 }, "ELF kernel is not 64-bit little-endian")]
    public void NonKernelsAreRefusedClearly(byte[] bytes, string message)
    {
        Assert.Equal(message, Assert.Throws<KernelImageException>(() => KernelImageProbe.Probe(new MemoryStream(bytes))).Message);
    }

    [Fact]
    public void PayloadOutsideTheFileIsRefused()
    {
        var image = BzImage();
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x24c), 1_000_000);
        var error = Assert.Throws<KernelImageException>(() => KernelImageProbe.Probe(new MemoryStream(image)));
        Assert.Equal("bzImage payload (offset 1024, length 1000000) lies outside the 2048-byte file", error.Message);
    }

    [Fact]
    public void MutatedHeadersGiveInfoOrKernelImageExceptionOnly()
    {
        var random = new Random(12);
        var watch = Stopwatch.StartNew();
        byte[][] seeds = [Elf(true, [(0x1000000, 0x3a00000)]), BzImage()];
        int ok = 0, refused = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var bytes = (byte[])seeds[i % 2].Clone();
            int edits = random.Next(1, 8);
            for (int e = 0; e < edits; e++)
            {
                // Bias edits toward the header fields that steer parsing.
                int at = random.Next(3) == 0 ? random.Next(bytes.Length) : random.Next(Math.Min(bytes.Length, 0x260));
                bytes[at] = (byte)random.Next(256);
            }
            if (random.Next(10) == 0)
                bytes = bytes[..random.Next(bytes.Length)];
            try
            {
                KernelImageProbe.Probe(new MemoryStream(bytes));
                ok++;
            }
            catch (KernelImageException)
            {
                refused++;
            }
        }
        Assert.True(ok > 100 && refused > 100, $"{ok} ok, {refused} refused");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
    }

    /// <summary>A minimal ELF64: header, one PT_NOTE program header, a note area, then PT_LOADs (physical address, memsz).</summary>
    private static byte[] Elf(bool pvhNote, (ulong Paddr, ulong Memsz)[]? loads = null)
    {
        loads ??= [];
        var bytes = new byte[512 + 56 * (loads.Length + 1)];
        "\u007fELF"u8.CopyTo(bytes);
        bytes[4] = 2; // 64-bit
        bytes[5] = 1; // little-endian
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x20), 64);   // phoff
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x36), 56);   // phentsize
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x38), (ushort)(1 + loads.Length)); // phnum
        var ph = bytes.AsSpan(64);
        BinaryPrimitives.WriteUInt32LittleEndian(ph, 4);                     // PT_NOTE
        BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], 200);             // offset
        BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], 40);             // filesz
        var notes = bytes.AsSpan(200);
        // an unrelated GNU note first, then Xen's
        BinaryPrimitives.WriteUInt32LittleEndian(notes, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(notes[4..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(notes[8..], 3);
        "GNU\0"u8.CopyTo(notes[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(notes[20..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(notes[24..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(notes[28..], pvhNote ? 18u : 17u);
        "Xen\0"u8.CopyTo(notes[32..]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(236), 0x1000000);
        if (loads.Length > 0)
        {
            // the program headers move past the note area
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x20), 512);
            var note = bytes.AsSpan(64, 56).ToArray();
            note.CopyTo(bytes, 512);
            for (int i = 0; i < loads.Length; i++)
            {
                var load = bytes.AsSpan(512 + 56 * (i + 1));
                BinaryPrimitives.WriteUInt32LittleEndian(load, 1);              // PT_LOAD
                BinaryPrimitives.WriteUInt64LittleEndian(load[24..], loads[i].Paddr);
                BinaryPrimitives.WriteUInt64LittleEndian(load[40..], loads[i].Memsz);
            }
        }
        return bytes;
    }

    private static byte[] BzImage()
    {
        var bytes = new byte[2048];
        bytes[0x1f1] = 1; // setup sectors: payload area starts at 1024
        "HdrS"u8.CopyTo(bytes.AsSpan(0x202));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x206), 0x20f);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x248), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x24c), 512);
        new byte[] { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }.CopyTo(bytes, 1024);
        return bytes;
    }
}
