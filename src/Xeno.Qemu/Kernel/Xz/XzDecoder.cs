using System.Buffers.Binary;

namespace Xeno.Qemu.Kernel.Xz;

/// <summary>
/// Decodes the first stream of an .xz file (what Linux's bzImage payload is): stream header,
/// blocks with an LZMA2 filter optionally preceded by the x86 BCJ filter, each block's check
/// (none, CRC-32 or CRC-64; SHA-256 is refused), then the index. Trailing bytes after the
/// first stream are ignored (the kernel appends the decompressed size). Damaged or truncated
/// input ends in <see cref="XzFormatException"/>; output is capped at <c>maxOutput</c> bytes.
/// </summary>
public static class XzDecoder
{
    private static ReadOnlySpan<byte> Magic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];
    private const ulong FilterLzma2 = 0x21;
    private const ulong FilterX86 = 0x04;

    public static byte[] Decode(ReadOnlySpan<byte> input, long maxOutput = 512L * 1024 * 1024)
    {
        if (input.Length < 12 || !input[..6].SequenceEqual(Magic))
            throw new XzFormatException("not an xz stream (bad magic)");
        if (System.IO.Hashing.Crc32.HashToUInt32(input.Slice(6, 2)) != BinaryPrimitives.ReadUInt32LittleEndian(input[8..]))
            throw new XzFormatException("xz stream header CRC mismatch");
        if (input[6] != 0 || (input[7] & 0xF0) != 0)
            throw new XzFormatException("xz stream flags use reserved bits");
        int checkType = input[7] & 0x0F;
        int checkSize = checkType switch
        {
            0 => 0,
            1 => 4,
            4 => 8,
            10 => 32,
            _ => throw new XzFormatException($"xz check type {checkType} is not supported"),
        };
        if (checkType == 10)
            throw new XzFormatException("xz SHA-256 checks are not supported");

        var output = new OutputWindow(maxOutput);
        int pos = 12;
        while (true)
        {
            if (pos >= input.Length)
                throw new XzFormatException("xz stream ends before its index");
            if (input[pos] == 0)
                break; // index indicator: no more blocks
            pos = Block(input, pos, output, checkType, checkSize);
        }
        return output.ToArray();
    }

    private static int Block(ReadOnlySpan<byte> input, int pos, OutputWindow output, int checkType, int checkSize)
    {
        int headerSize = (input[pos] + 1) * 4;
        if (pos + headerSize > input.Length)
            throw new XzFormatException("xz block header is truncated");
        var header = input.Slice(pos, headerSize);
        if (System.IO.Hashing.Crc32.HashToUInt32(header[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(header[^4..]))
            throw new XzFormatException($"xz block header CRC mismatch at offset {pos}");
        byte flags = header[1];
        if ((flags & 0x3C) != 0)
            throw new XzFormatException("xz block flags use reserved bits");
        int filterCount = (flags & 3) + 1;
        int h = 2;
        ulong? compressedSize = (flags & 0x40) != 0 ? VarInt(header, ref h) : null;
        ulong? uncompressedSize = (flags & 0x80) != 0 ? VarInt(header, ref h) : null;
        bool x86 = false;
        uint x86Start = 0;
        int? dictionarySize = null;
        for (int f = 0; f < filterCount; f++)
        {
            ulong id = VarInt(header, ref h);
            ulong propsSize = VarInt(header, ref h);
            if (propsSize > (ulong)(header.Length - 4 - h))
                throw new XzFormatException("xz filter properties run past the block header");
            var props = header.Slice(h, (int)propsSize);
            h += (int)propsSize;
            bool last = f == filterCount - 1;
            if (id == FilterLzma2 && last && props.Length == 1)
                dictionarySize = Lzma2DictionarySize(props[0]);
            else if (id == FilterX86 && !last && !x86 && props.Length is 0 or 4)
            {
                x86 = true;
                x86Start = props.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(props) : 0;
            }
            else
                throw new XzFormatException($"xz filter 0x{id:x} (position {f + 1} of {filterCount}) is not supported");
        }
        if (dictionarySize is null)
            throw new XzFormatException("xz block has no LZMA2 filter");
        for (; h < header.Length - 4; h++)
        {
            if (header[h] != 0)
                throw new XzFormatException("xz block header padding is not zero");
        }

        int dataStart = pos + headerSize;
        int outputStart = output.Length;
        output.DictionaryStart = outputStart;
        int consumed = new Lzma2Decoder(output, dictionarySize.Value).Decode(input[dataStart..]);
        if (compressedSize is { } c && c != (ulong)consumed)
            throw new XzFormatException("xz block's compressed size does not match its header");
        int produced = output.Length - outputStart;
        if (uncompressedSize is { } u && u != (ulong)produced)
            throw new XzFormatException("xz block's uncompressed size does not match its header");

        var block = output.Buffer.AsSpan(outputStart, produced);
        if (x86)
            BcjX86.Decode(block, x86Start);

        pos = dataStart + consumed;
        while ((pos - dataStart) % 4 != 0)
        {
            if (pos >= input.Length || input[pos] != 0)
                throw new XzFormatException("xz block padding is missing or not zero");
            pos++;
        }
        if (pos + checkSize > input.Length)
            throw new XzFormatException("xz block check is truncated");
        var check = input.Slice(pos, checkSize);
        bool good = checkType switch
        {
            1 => System.IO.Hashing.Crc32.HashToUInt32(block) == BinaryPrimitives.ReadUInt32LittleEndian(check),
            4 => Crc64Xz.Compute(block) == BinaryPrimitives.ReadUInt64LittleEndian(check),
            _ => true,
        };
        if (!good)
            throw new XzFormatException("xz block check mismatch: the data is corrupt");
        return pos + checkSize;
    }

    private static int Lzma2DictionarySize(byte bits)
    {
        if (bits > 40)
            throw new XzFormatException($"invalid LZMA2 dictionary size code {bits}");
        if (bits == 40)
            return int.MaxValue;
        long size = (2L | (bits & 1u)) << (bits / 2 + 11);
        return (int)Math.Min(size, int.MaxValue);
    }

    private static ulong VarInt(ReadOnlySpan<byte> header, ref int pos)
    {
        ulong value = 0;
        for (int i = 0; i < 9; i++)
        {
            if (pos >= header.Length - 4)
                throw new XzFormatException("xz block header field is truncated");
            byte b = header[pos++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
                return value;
        }
        throw new XzFormatException("xz variable-length integer is too long");
    }
}
