using System.Text;
using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Fat;

/// <summary>Decodes 32-byte FAT directory entries, joining VFAT long-name entries to their short entry.</summary>
internal static class FatDirectoryParser
{
    private const byte AttrVolume = 0x08;
    private const byte AttrDirectory = 0x10;
    private const byte AttrLongName = 0x0F;
    private const int MaxLongEntries = 20;
    private static readonly int[] CharOffsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

    public static List<FatNode> Parse(ReadOnlySpan<byte> data, bool fat32)
    {
        var nodes = new List<FatNode>();
        char[]? longName = null;
        int expected = 0;
        byte checksum = 0;
        for (int pos = 0; pos + 32 <= data.Length; pos += 32)
        {
            var e = data.Slice(pos, 32);
            if (e[0] == 0x00)
            {
                break;
            }
            if (e[0] == 0xE5)
            {
                longName = null;
                continue;
            }
            byte attr = e[11];
            if ((attr & 0x3F) == AttrLongName)
            {
                int seq = e[0] & 0x1F;
                if ((e[0] & 0x40) != 0)
                {
                    longName = seq is >= 1 and <= MaxLongEntries ? new char[seq * 13] : null;
                    expected = seq;
                    checksum = e[13];
                }
                if (longName is null || seq != expected || e[13] != checksum || seq == 0)
                {
                    longName = null;
                    continue;
                }
                for (int i = 0; i < 13; i++)
                {
                    longName[(seq - 1) * 13 + i] = (char)U16(e, CharOffsets[i]);
                }
                expected--;
                continue;
            }
            if ((attr & AttrVolume) != 0)
            {
                longName = null;
                continue;
            }
            string? name = null;
            if (longName is not null && expected == 0 && ShortNameChecksum(e[..11]) == checksum)
            {
                int end = Array.IndexOf(longName, '\0');
                name = new string(longName, 0, end < 0 ? longName.Length : end);
            }
            longName = null;
            name ??= ShortName(e);
            if (name is "." or ".." or "")
            {
                continue;
            }
            uint cluster = U16(e, 26) | (fat32 ? (uint)U16(e, 20) << 16 : 0);
            nodes.Add(new FatNode(name, (attr & AttrDirectory) != 0, cluster, U32(e, 28), IsRoot: false));
        }
        return nodes;
    }

    private static byte ShortNameChecksum(ReadOnlySpan<byte> name)
    {
        byte sum = 0;
        foreach (byte b in name)
        {
            sum = (byte)(((sum & 1) << 7) + (sum >> 1) + b);
        }
        return sum;
    }

    private static string ShortName(ReadOnlySpan<byte> e)
    {
        var raw = e[..11].ToArray();
        if (raw[0] == 0x05)
        {
            raw[0] = 0xE5; // 0x05 stands for a leading 0xE5 byte, which otherwise marks deleted entries
        }
        string baseName = Encoding.Latin1.GetString(raw, 0, 8).TrimEnd(' ');
        string extension = Encoding.Latin1.GetString(raw, 8, 3).TrimEnd(' ');
        byte caseFlags = e[12];
        if ((caseFlags & 0x08) != 0)
        {
            baseName = baseName.ToLowerInvariant();
        }
        if ((caseFlags & 0x10) != 0)
        {
            extension = extension.ToLowerInvariant();
        }
        return extension.Length > 0 ? $"{baseName}.{extension}" : baseName;
    }
}
