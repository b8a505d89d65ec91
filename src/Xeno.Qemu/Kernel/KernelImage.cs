namespace Xeno.Qemu.Kernel;

public enum KernelImageFormat
{
    /// <summary>A Linux bzImage (x86 boot protocol, "HdrS"); boots as pv/hvm, not through PVH.</summary>
    BzImage,
    /// <summary>An ELF64 kernel; boots through PVH when it carries the PVH entry note.</summary>
    Elf,
}

/// <summary>How a bzImage's payload (the real kernel ELF) is compressed.</summary>
public enum PayloadCompression
{
    Unknown,
    Gzip,
    Bzip2,
    Lzma,
    Xz,
    Lzo,
    Lz4,
    Zstd,
}

/// <summary>What <see cref="KernelImageProbe"/> found out about a kernel file.</summary>
/// <param name="MemoryEnd">
/// The highest guest-physical byte the kernel occupies while it boots, or null when the file
/// does not say: for an ELF the end of its last PT_LOAD segment (memsz, so .bss and .brk count),
/// for a bzImage its preferred load address plus init_size (the room it decompresses into).
/// </param>
public sealed record KernelImageInfo(
    KernelImageFormat Format,
    PayloadCompression Compression = PayloadCompression.Unknown,
    long PayloadOffset = 0,
    long PayloadLength = 0,
    bool HasPvhEntry = false,
    long? MemoryEnd = null);

/// <summary>A file that is not a kernel we can boot, or one whose structures are damaged.</summary>
public sealed class KernelImageException(string message) : Exception(message);
