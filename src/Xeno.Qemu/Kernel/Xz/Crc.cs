namespace Xeno.Qemu.Kernel.Xz;

/// <summary>The two checksums of the xz format: CRC-32 (IEEE) and CRC-64 (ECMA-182), both reflected.</summary>
internal static class Crc
{
    private static readonly uint[] Table32 = Build32();
    private static readonly ulong[] Table64 = Build64();

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
            crc = Table32[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    public static ulong Crc64(ReadOnlySpan<byte> data)
    {
        ulong crc = ulong.MaxValue;
        foreach (byte b in data)
            crc = Table64[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] Build32()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }

    private static ulong[] Build64()
    {
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            ulong c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xC96C5795D7870F42UL ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
