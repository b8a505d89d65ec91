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
    }

    [Fact]
    public async Task TheUnpackedPayloadIsAnElfWithThePvhEntry()
    {
        var kit = await GuestKit.GetAsync();
        using var file = File.OpenRead(kit.Vmlinux);
        Assert.Equal(new KernelImageInfo(KernelImageFormat.Elf, HasPvhEntry: true), KernelImageProbe.Probe(file));
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
        byte[][] seeds = [Elf(true), BzImage()];
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

    /// <summary>A minimal ELF64: header, one PT_NOTE program header, a note area.</summary>
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
