using System.IO.Compression;
using Xeno.Qemu.Kernel.Xz;

namespace Xeno.Qemu.Kernel;

/// <summary>
/// Unpacks a bzImage's payload into the ELF kernel that QEMU can enter through PVH. xz (Debian,
/// most distributions) and gzip payloads are supported; other compressions are refused by name.
/// Pure: bytes in, bytes out. Callers cache the result by the bzImage's content hash.
/// </summary>
public static class BzImagePayload
{
    public static byte[] Unpack(byte[] bzImage, long maxOutput = 512L * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(bzImage);
        var info = KernelImageProbe.Probe(new MemoryStream(bzImage, writable: false));
        if (info.Format != KernelImageFormat.BzImage)
            throw new KernelImageException("the kernel is already an ELF file; nothing to unpack");
        var payload = bzImage.AsSpan((int)info.PayloadOffset, (int)info.PayloadLength);
        byte[] elf;
        try
        {
            elf = info.Compression switch
            {
                PayloadCompression.Xz => XzDecoder.Decode(payload, maxOutput),
                PayloadCompression.Gzip => Gunzip(payload.ToArray(), maxOutput),
                _ => throw new KernelImageException($"bzImage payload compression {info.Compression.ToString().ToLowerInvariant()} is not supported (xz and gzip are)"),
            };
        }
        catch (XzFormatException e)
        {
            throw new KernelImageException($"bzImage payload is damaged: {e.Message}");
        }
        if (elf.Length < 4 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new KernelImageException("bzImage payload does not unpack to an ELF kernel");
        return elf;
    }

    private static byte[] Gunzip(byte[] payload, long maxOutput)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = gzip.Read(buffer)) > 0)
            {
                if (output.Length + n > maxOutput)
                    throw new KernelImageException($"bzImage payload decompresses to more than the {maxOutput}-byte limit");
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new KernelImageException($"bzImage payload is damaged: {e.Message}");
        }
    }
}
