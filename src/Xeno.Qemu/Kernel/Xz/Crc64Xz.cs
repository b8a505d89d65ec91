namespace Xeno.Qemu.Kernel.Xz;

/// <summary>xz's CRC-64 (ECMA-182 polynomial, reflected, as CRC-64/XZ). System.IO.Hashing's Crc64
/// is the non-reflected variant, so this one stays; CRC-32 comes from System.IO.Hashing.</summary>
internal static class Crc64Xz
{
    private static readonly ulong[] Table = Build();

    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        ulong crc = ulong.MaxValue;
        foreach (byte b in data)
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static ulong[] Build()
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
