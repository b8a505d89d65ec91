using System.Diagnostics;
using Xeno.Qemu.Kernel;
using Xeno.Qemu.Kernel.Xz;
using Xeno.Qemu.Tests.Boots;

namespace Xeno.Qemu.Tests.Kernel;

/// <summary>xz-utils (the host's `xz`, package xz-utils) is the oracle for the decoder.</summary>
public class XzDecoderTests
{
    [Fact]
    public void Crc64MatchesTheXzCheckValue() =>
        Assert.Equal(0x995DC9BBDF1939FAUL, Crc64Xz.Compute("123456789"u8));

    [Fact]
    public async Task DebiansKernelPayloadUnpacksToExactlyWhatXzUtilsProduces()
    {
        var kit = await GuestKit.GetAsync();
        byte[] bzImage = await File.ReadAllBytesAsync(kit.Vmlinuz, TestContext.Current.CancellationToken);
        var watch = Stopwatch.StartNew();
        byte[] elf = BzImagePayload.Unpack(bzImage);
        var elapsed = watch.Elapsed;
        byte[] expected = await File.ReadAllBytesAsync(kit.Vmlinux, TestContext.Current.CancellationToken);
        Assert.Equal(expected.Length, elf.Length);
        Assert.True(expected.AsSpan().SequenceEqual(elf), "unpacked payload differs from xz-utils' output");
        Assert.True(KernelImageProbe.Probe(new MemoryStream(elf)).HasPvhEntry);
        TestContext.Current.SendDiagnosticMessage($"unpacked {elf.Length} bytes in {elapsed.TotalMilliseconds:0} ms");
    }

    public static TheoryData<string, string> Variants() => new()
    {
        { "text", "--check=crc32 --lzma2=preset=6" },
        { "text", "--check=crc64 --lzma2=preset=0" },
        { "text", "--check=none --lzma2=lc=0,lp=2,pb=0" },
        { "binary", "--check=crc32 --x86 --lzma2=dict=1MiB" },
        { "binary", "--check=crc64 --x86 --lzma2=lc=1,lp=3,pb=4" },
        { "random", "--check=crc32 --lzma2=preset=1" },          // incompressible: stored chunks
        { "mixed", "--check=crc32 --block-size=100000 --lzma2=preset=2" }, // several blocks
        { "empty", "--check=crc32" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void DecodesWhatXzUtilsEncodes(string content, string options)
    {
        byte[] original = Content(content);
        byte[] compressed = XzTool.Compress(original, options);
        Assert.True(original.AsSpan().SequenceEqual(XzDecoder.Decode(compressed)));
    }

    [Fact]
    public void TrailingBytesAfterTheStreamAreIgnored()
    {
        byte[] original = Content("text");
        byte[] compressed = [.. XzTool.Compress(original, "--check=crc32"), 0x12, 0x34, 0x56, 0x78];
        Assert.True(original.AsSpan().SequenceEqual(XzDecoder.Decode(compressed)));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "not an xz stream (bad magic)")]
    [InlineData(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0, 1, 0, 0, 0, 0 }, "xz stream header CRC mismatch")]
    public void BadHeadersAreRefused(byte[] input, string message)
    {
        Assert.Equal(message, Assert.Throws<XzFormatException>(() => XzDecoder.Decode(input)).Message);
    }

    [Fact]
    public void CorruptDataFailsItsCheck()
    {
        byte[] compressed = XzTool.Compress(Content("random"), "--check=crc64 --lzma2=preset=1");
        compressed[compressed.Length / 2] ^= 0x01; // inside a stored chunk: only the check notices
        var error = Assert.Throws<XzFormatException>(() => XzDecoder.Decode(compressed));
        Assert.Equal("xz block check mismatch: the data is corrupt", error.Message);
    }

    [Fact]
    public void OutputLimitIsEnforced()
    {
        byte[] compressed = XzTool.Compress(new byte[1 << 20], "--check=crc32");
        var error = Assert.Throws<XzFormatException>(() => XzDecoder.Decode(compressed, maxOutput: 1000));
        Assert.Equal("xz data decompresses to more than the 1000-byte limit", error.Message);
    }

    [Fact]
    public void MutatedAndTruncatedStreamsGiveDataOrXzFormatExceptionOnly()
    {
        var random = new Random(2024);
        byte[][] seeds =
        [
            XzTool.Compress(Content("text")[..4000], "--check=crc32 --lzma2=preset=6"),
            XzTool.Compress(Content("binary")[..4000], "--check=crc64 --x86 --lzma2=preset=6"),
            XzTool.Compress(Content("random")[..2000], "--check=none"),
        ];
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out int n) && n > 0 ? n : 3_000;
        var watch = Stopwatch.StartNew();
        int decoded = 0, refused = 0;
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = (byte[])seeds[i % seeds.Length].Clone();
            if (random.Next(4) == 0)
            {
                input = input[..random.Next(input.Length)];
            }
            else
            {
                int edits = random.Next(1, 4);
                for (int e = 0; e < edits; e++)
                {
                    // Most edits past the stream header, or everything would die on its CRC.
                    int at = random.Next(2) == 0 ? random.Next(12, Math.Min(input.Length, 40)) : random.Next(12, input.Length);
                    input[at] = (byte)random.Next(256);
                }
            }
            try
            {
                XzDecoder.Decode(input, maxOutput: 1 << 20);
                decoded++;
            }
            catch (XzFormatException)
            {
                refused++;
            }
        }
        Assert.True(refused > iterations / 2, $"{decoded} decoded, {refused} refused");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }

    [Fact]
    public void OtherPayloadCompressionsAreRefusedByName()
    {
        var bytes = new byte[2048];
        bytes[0x1f1] = 1;
        "HdrS"u8.CopyTo(bytes.AsSpan(0x202));
        bytes[0x206] = 0x0f;
        bytes[0x207] = 0x02;
        bytes[0x24d] = 2; // payload length 512 at offset 1024
        new byte[] { 0x28, 0xb5, 0x2f, 0xfd }.CopyTo(bytes, 1024);
        var error = Assert.Throws<KernelImageException>(() => BzImagePayload.Unpack(bytes));
        Assert.Equal("bzImage payload compression zstd is not supported (xz and gzip are)", error.Message);
    }

    private static byte[] Content(string kind)
    {
        var random = new Random(kind.Length);
        switch (kind)
        {
            case "empty":
                return [];
            case "random":
            {
                var bytes = new byte[300_000];
                random.NextBytes(bytes);
                return bytes;
            }
            case "binary":
            {
                // Real x86-64 code with E8/E9 branches: the .NET runtime's native core library.
                string coreLib = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libcoreclr.so");
                byte[] code = File.ReadAllBytes(coreLib);
                return code.AsSpan(0, Math.Min(code.Length, 200_000)).ToArray();
            }
            case "mixed":
            {
                var text = Content("text");
                var noise = Content("random");
                return [.. text, .. noise.AsSpan(0, 150_000), .. text];
            }
            default:
            {
                var words = new[] { "xeno", "qemu", "guest", "domain", "console", "virtio", "\n", "0123", "reboot" };
                var sb = new System.Text.StringBuilder();
                while (sb.Length < 250_000)
                    sb.Append(words[random.Next(words.Length)]).Append(' ');
                return System.Text.Encoding.ASCII.GetBytes(sb.ToString());
            }
        }
    }
}

internal static class XzTool
{
    public static byte[] Compress(byte[] data, string options)
    {
        var info = new ProcessStartInfo("xz")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        foreach (var option in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            info.ArgumentList.Add(option);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot run xz (Debian package xz-utils)");
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.BaseStream.Write(data);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // xz refused its options and exited; its message follows below
        }
        copy.Wait();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"xz {options} failed: {errors.Result}");
        return output.ToArray();
    }
}
