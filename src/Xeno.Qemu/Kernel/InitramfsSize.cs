using System.IO.Compression;
using Xeno.Qemu.Kernel.Xz;

namespace Xeno.Qemu.Kernel;

/// <summary>What <see cref="InitramfsSize"/> found: the unpacked size, or null and why not.</summary>
public sealed record InitramfsSizeResult(string Format, long? UnpackedBytes, string? Why = null);

/// <summary>
/// How many bytes a guest's initramfs unpacks to, the memory its kernel fills before /init runs
/// (a 16 MB initramfs needs 16 MB of the guest's RAM on top of the compressed file). gzip (also
/// several members), xz and plain cpio are measured; other compressions (zstd, lz4, ...) give
/// null, named. A plain cpio counts as its file size, also when a compressed archive follows
/// it (Debian's early microcode + zstd layout): an underestimate, so at worst no warning. Pure:
/// reads only the stream; output is counted, never kept (xz excepted, whose decoder returns it).
/// </summary>
public static class InitramfsSize
{
    public const long DefaultLimit = 1L << 30;

    public static InitramfsSizeResult Measure(Stream initrd, long limit = DefaultLimit)
    {
        ArgumentNullException.ThrowIfNull(initrd);
        Span<byte> magic = stackalloc byte[6];
        int got = initrd.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        initrd.Position = 0;
        var head = magic[..got];
        if (head.StartsWith("07070"u8))
            return new("cpio", initrd.Length);
        return KernelImageProbe.Compression(head) switch
        {
            PayloadCompression.Gzip => Gzip(initrd, limit),
            PayloadCompression.Xz => Xz(initrd, limit),
            PayloadCompression.Unknown => new("unknown", null, "neither cpio nor a known compression"),
            var other => new(other.ToString().ToLowerInvariant(), null, $"{other.ToString().ToLowerInvariant()} is not measured (gzip, xz and cpio are)"),
        };
    }

    private static InitramfsSizeResult Gzip(Stream initrd, long limit)
    {
        try
        {
            using var gzip = new GZipStream(initrd, CompressionMode.Decompress, leaveOpen: true);
            var buffer = new byte[81920];
            long total = 0;
            int n;
            while ((n = gzip.Read(buffer)) > 0)
            {
                total += n;
                if (total > limit)
                    return new("gzip", null, $"unpacks to more than {limit} bytes");
            }
            return new("gzip", total);
        }
        catch (InvalidDataException e)
        {
            return new("gzip", null, $"damaged: {e.Message}");
        }
    }

    private static InitramfsSizeResult Xz(Stream initrd, long limit)
    {
        if (initrd.Length > limit)
            return new("xz", null, $"larger than {limit} bytes");
        var bytes = new byte[initrd.Length];
        initrd.ReadExactly(bytes);
        try
        {
            return new("xz", XzDecoder.Decode(bytes, limit).LongLength);
        }
        catch (XzFormatException e)
        {
            return new("xz", null, $"damaged: {e.Message}");
        }
    }
}
