using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>
/// The content of an inline-data inode: the 60-byte block area followed by the value of the
/// in-inode extended attribute "system.data".
/// </summary>
internal static class InlineData
{
    private const uint XattrMagic = 0xEA020000;
    private const byte SystemIndex = 7;

    public static byte[] Read(ExtInode inode, string kind)
    {
        var area = inode.BlockArea.ToArray();
        var extra = SystemData(inode, kind);
        var all = new byte[area.Length + extra.Length];
        area.CopyTo(all, 0);
        extra.CopyTo(all.AsSpan(area.Length));
        return all;
    }

    private static ReadOnlySpan<byte> SystemData(ExtInode inode, string kind)
    {
        var raw = inode.Raw;
        if (raw.Length <= 0x84)
        {
            return [];
        }
        int start = 128 + U16(raw, 0x80);
        if (start + 4 > raw.Length || U32(raw, start) != XattrMagic)
        {
            return [];
        }
        int first = start + 4;
        int pos = first;
        while (pos + 16 <= raw.Length && U32(raw, pos) != 0)
        {
            int nameLength = raw[pos];
            byte index = raw[pos + 1];
            int valueOffset = U16(raw, pos + 2);
            int valueSize = (int)Math.Min(U32(raw, pos + 8), int.MaxValue);
            if (pos + 16 + nameLength > raw.Length)
            {
                break;
            }
            if (index == SystemIndex && raw.AsSpan(pos + 16, nameLength).SequenceEqual("data"u8))
            {
                if ((long)first + valueOffset + valueSize > raw.Length)
                {
                    throw new BootException($"{kind}: inode {inode.Number}: inline data attribute lies outside the inode");
                }
                return raw.AsSpan(first + valueOffset, valueSize);
            }
            pos += (16 + nameLength + 3) & ~3;
        }
        return [];
    }
}
