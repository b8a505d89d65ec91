namespace Xeno.Qemu.Kernel.Xz;

/// <summary>
/// Undoes xz's x86 branch filter: the encoder turned the relative targets of E8/E9 (CALL/JMP)
/// instructions into absolute ones to help compression; decoding subtracts the position again.
/// Runs over the whole decoded buffer at once, which equals the streaming form.
/// </summary>
internal static class BcjX86
{
    // For the mask of recent E8/E9 bytes seen within the last three positions: whether a
    // conversion is still allowed, and which operand byte must look like a sign extension.
    private static ReadOnlySpan<bool> AllowedByMask => [true, true, true, false, true, false, false, false];
    private static ReadOnlySpan<byte> BitNumberByMask => [0, 1, 2, 2, 3, 3, 3, 3];

    private static bool IsSignByte(byte b) => b is 0x00 or 0xFF;

    public static void Decode(Span<byte> data, uint startOffset)
    {
        if (data.Length < 5)
            return;
        uint mask = 0;
        long lastHit = -1;
        int limit = data.Length - 4;
        int i = 0;
        while (i < limit)
        {
            if ((data[i] & 0xFE) != 0xE8)
            {
                i++;
                continue;
            }
            long gap = i - lastHit;
            if (gap > 3)
            {
                mask = 0;
            }
            else
            {
                mask = (mask << (int)(gap - 1)) & 7;
                if (mask != 0 && (!AllowedByMask[(int)mask] || IsSignByte(data[i + 4 - BitNumberByMask[(int)mask]])))
                {
                    lastHit = i;
                    mask = ((mask << 1) & 7) | 1;
                    i++;
                    continue;
                }
            }
            lastHit = i;
            if (!IsSignByte(data[i + 4]))
            {
                mask = ((mask << 1) & 7) | 1;
                i++;
                continue;
            }
            uint source = (uint)(data[i + 1] | data[i + 2] << 8 | data[i + 3] << 16 | data[i + 4] << 24);
            uint destination;
            while (true)
            {
                destination = source - (startOffset + (uint)i + 5);
                if (mask == 0)
                    break;
                int shift = BitNumberByMask[(int)mask] * 8;
                if (!IsSignByte((byte)(destination >> (24 - shift))))
                    break;
                source = destination ^ (uint)((1L << (32 - shift)) - 1);
            }
            data[i + 4] = (byte)~(((destination >> 24) & 1) - 1);
            data[i + 3] = (byte)(destination >> 16);
            data[i + 2] = (byte)(destination >> 8);
            data[i + 1] = (byte)destination;
            i += 5;
        }
    }
}
