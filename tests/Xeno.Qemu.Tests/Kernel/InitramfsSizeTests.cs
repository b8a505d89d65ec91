using System.Diagnostics;
using System.IO.Compression;
using Xeno.Qemu.Kernel;
using Xeno.Qemu.Tests.Boots;

namespace Xeno.Qemu.Tests.Kernel;

public class InitramfsSizeTests
{
    [Fact]
    public async Task TheKitsInitrdIsAGzipThatUnpacksToItsCpio()
    {
        var kit = await GuestKit.GetAsync();
        using var file = File.OpenRead(kit.Initrd);
        var result = InitramfsSize.Measure(file);
        Assert.Equal("gzip", result.Format);
        // gzip's trailer keeps the size modulo 2^32: the kit is far below that, so it must agree.
        file.Seek(-4, SeekOrigin.End);
        var trailer = new byte[4];
        file.ReadExactly(trailer);
        Assert.Equal(BitConverter.ToUInt32(trailer), result.UnpackedBytes);
        Assert.True(result.UnpackedBytes > file.Length, $"{result.UnpackedBytes} unpacked from {file.Length}");
    }

    [Fact]
    public void SeveralGzipMembersAreAllCounted()
    {
        var bytes = Gzip(new byte[300_000]).Concat(Gzip(new byte[700_000])).ToArray();
        Assert.Equal(new InitramfsSizeResult("gzip", 1_000_000), InitramfsSize.Measure(new MemoryStream(bytes)));
    }

    [Fact]
    public void PlainCpioIsItsOwnSize()
    {
        var bytes = "070701"u8.ToArray().Concat(new byte[1000]).ToArray();
        Assert.Equal(new InitramfsSizeResult("cpio", 1006), InitramfsSize.Measure(new MemoryStream(bytes)));
    }

    [Fact]
    public void OtherFormatsAreNamedNotMeasured()
    {
        Assert.Equal(new InitramfsSizeResult("zstd", null, "zstd is not measured (gzip, xz and cpio are)"),
            InitramfsSize.Measure(new MemoryStream([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3])));
        Assert.Equal(new InitramfsSizeResult("unknown", null, "neither cpio nor a known compression"),
            InitramfsSize.Measure(new MemoryStream([1, 2, 3])));
        Assert.Equal(new InitramfsSizeResult("unknown", null, "neither cpio nor a known compression"),
            InitramfsSize.Measure(new MemoryStream([])));
    }

    [Fact]
    public void TheLimitStopsAGzipBomb()
    {
        var result = InitramfsSize.Measure(new MemoryStream(Gzip(new byte[5_000_000])), limit: 1_000_000);
        Assert.Equal(new InitramfsSizeResult("gzip", null, "unpacks to more than 1000000 bytes"), result);
    }

    [Fact]
    public void MutatedInitrdsGiveASizeOrAReasonNeverAnException()
    {
        var random = new Random(31);
        var watch = Stopwatch.StartNew();
        var payload = new byte[20_000];
        random.NextBytes(payload.AsSpan(0, 5_000));
        var seed = Gzip(payload);
        int measured = 0, unknown = 0;
        for (int i = 0; i < 3_000; i++)
        {
            var bytes = (byte[])seed.Clone();
            for (int e = random.Next(1, 6); e > 0; e--)
                bytes[random.Next(3) == 0 ? random.Next(12) : random.Next(bytes.Length)] = (byte)random.Next(256);
            if (random.Next(8) == 0)
                bytes = bytes[..random.Next(bytes.Length)];
            var result = InitramfsSize.Measure(new MemoryStream(bytes), limit: 1_000_000);
            if (result.UnpackedBytes is null)
            {
                Assert.False(string.IsNullOrEmpty(result.Why));
                unknown++;
            }
            else
                measured++;
        }
        Assert.True(measured > 50 && unknown > 50, $"{measured} measured, {unknown} unknown");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60));
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }
}
