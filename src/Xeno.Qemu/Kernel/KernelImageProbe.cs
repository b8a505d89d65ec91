using System.Buffers.Binary;

namespace Xeno.Qemu.Kernel;

/// <summary>
/// Tells a bzImage from an ELF kernel, names a bzImage's payload compression and finds the
/// PVH entry note (Xen ELF note type 18, XEN_ELFNOTE_PHYS32_ENTRY) of an ELF. Pure: reads
/// only the stream it is given, with every offset bounds-checked.
/// </summary>
public static class KernelImageProbe
{
    private const int XenElfNotePhys32Entry = 18;
    private const uint ProgramHeaderLoad = 1;
    private const uint ProgramHeaderNote = 4;
    private const int MaxNoteBytes = 1 << 20;
    private const ulong MaxPhysical = 1UL << 52; // x86-64's physical address width

    public static KernelImageInfo Probe(Stream image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!image.CanSeek || !image.CanRead)
            throw new ArgumentException("the kernel stream must be readable and seekable", nameof(image));
        long length = image.Length;
        var head = Read(image, 0, (int)Math.Min(length, 1024));
        if (head.Length >= 4 && head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F')
            return ProbeElf(image, head, length);
        if (head.Length >= 0x250 && head.AsSpan(0x202, 4).SequenceEqual("HdrS"u8))
            return ProbeBzImage(image, head, length);
        throw new KernelImageException("not a Linux kernel: neither an ELF file nor a bzImage (no \"HdrS\" boot header)");
    }

    private static KernelImageInfo ProbeBzImage(Stream image, byte[] head, long length)
    {
        ushort protocol = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(0x206));
        if (protocol < 0x208)
            throw new KernelImageException($"bzImage boot protocol {protocol >> 8}.{protocol & 0xff:D2} predates payload fields (2.08)");
        int setupSectors = head[0x1f1] == 0 ? 4 : head[0x1f1];
        long offset = (setupSectors + 1L) * 512 + BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(0x248));
        long payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(0x24c));
        if (payloadLength == 0 || offset + payloadLength > length)
            throw new KernelImageException($"bzImage payload (offset {offset}, length {payloadLength}) lies outside the {length}-byte file");
        var magic = Read(image, offset, 6);
        // pref_address and init_size exist from boot protocol 2.10 on.
        long? end = null;
        if (protocol >= 0x20a && head.Length >= 0x264)
        {
            ulong preferred = BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(0x258));
            uint initSize = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(0x260));
            if (preferred < MaxPhysical)
                end = (long)preferred + initSize;
        }
        return new KernelImageInfo(KernelImageFormat.BzImage, Compression(magic), offset, payloadLength, MemoryEnd: end);
    }

    internal static PayloadCompression Compression(ReadOnlySpan<byte> m) => m switch
    {
        [0x1f, 0x8b, ..] => PayloadCompression.Gzip,
        [(byte)'B', (byte)'Z', (byte)'h', ..] => PayloadCompression.Bzip2,
        [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ..] => PayloadCompression.Xz,
        [0x5d, 0x00, 0x00, ..] => PayloadCompression.Lzma,
        [0x89, 0x4c, 0x5a, 0x4f, ..] => PayloadCompression.Lzo,
        [0x02, 0x21, 0x4c, 0x18, ..] => PayloadCompression.Lz4,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => PayloadCompression.Zstd,
        _ => PayloadCompression.Unknown,
    };

    private static KernelImageInfo ProbeElf(Stream image, byte[] head, long length)
    {
        if (head.Length < 64 || head[4] != 2 || head[5] != 1)
            throw new KernelImageException("ELF kernel is not 64-bit little-endian");
        long phoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(0x20));
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(0x36));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(0x38));
        if (phentsize < 56 || phoff < 0 || phoff + (long)phentsize * phnum > length)
            throw new KernelImageException($"ELF program headers ({phnum} x {phentsize} bytes at {phoff}) lie outside the {length}-byte file");
        var headers = Read(image, phoff, phentsize * phnum);
        bool pvh = false;
        long? end = null;
        for (int i = 0; i < phnum; i++)
        {
            var ph = headers.AsSpan(i * phentsize, phentsize);
            uint kind = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            if (kind == ProgramHeaderLoad)
            {
                ulong paddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[24..]);
                ulong memsz = BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]);
                if (paddr >= MaxPhysical || memsz >= MaxPhysical)
                    throw new KernelImageException($"ELF load segment {i} (physical address {paddr:x}, size {memsz}) lies beyond any guest's memory");
                end = Math.Max(end ?? 0, (long)(paddr + memsz));
            }
            if (kind != ProgramHeaderNote || pvh)
                continue;
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            if (size > MaxNoteBytes || offset > (ulong)length || offset + size > (ulong)length)
                throw new KernelImageException($"ELF note segment {i} (offset {offset}, size {size}) lies outside the file or is too large");
            pvh = HasPvhNote(Read(image, (long)offset, (int)size));
        }
        return new KernelImageInfo(KernelImageFormat.Elf, HasPvhEntry: pvh, MemoryEnd: end);
    }

    /// <summary>Walks the notes (namesz, descsz, type, name, desc; 4-byte aligned).</summary>
    internal static bool HasPvhNote(ReadOnlySpan<byte> notes)
    {
        while (notes.Length >= 12)
        {
            uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes);
            uint descSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[4..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes[8..]);
            ulong nameEnd = 12 + Align4(nameSize);
            ulong end = nameEnd + Align4(descSize);
            if (end > (ulong)notes.Length)
                return false; // a torn last note cannot be the entry note
            if (type == XenElfNotePhys32Entry && nameSize == 4 && notes.Slice(12, 4).SequenceEqual("Xen\0"u8) && descSize >= 4)
                return true;
            notes = notes[(int)end..];
        }
        return false;
    }

    private static ulong Align4(uint value) => ((ulong)value + 3) & ~3UL;

    private static byte[] Read(Stream stream, long offset, int count)
    {
        var buffer = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }
}
