using System.Text;
using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>
/// Reads the linear entries of ext directory blocks. Hashed (htree) directories are read the
/// same way: their index blocks look like blocks holding one empty entry.
/// </summary>
internal static class ExtDirectoryParser
{
    public const int MaxEntries = 1 << 20;

    /// <summary>Adds the live entries of one block (or inline region) to <paramref name="into"/>, skipping "." and "..".</summary>
    public static void ParseBlock(ReadOnlySpan<byte> block, bool fileType, uint directory, long blockIndex, string kind, List<(string Name, uint Inode)> into)
    {
        int pos = 0;
        while (pos + 8 <= block.Length)
        {
            uint inode = U32(block, pos);
            int recLen = U16(block, pos + 4);
            if (block.Length == 65536 && recLen is 0 or 65535)
            {
                recLen = 65536; // 64 KiB blocks store a whole-block record length this way.
            }
            int nameLength = fileType ? block[pos + 6] : U16(block, pos + 6);
            if (recLen < 8 || recLen % 4 != 0 || pos + recLen > block.Length || 8 + nameLength > recLen)
            {
                throw new BootException($"{kind}: directory inode {directory}, block {blockIndex}, offset {pos}: corrupt entry (record length {recLen}, name length {nameLength})");
            }
            if (inode != 0 && nameLength > 0)
            {
                var name = block.Slice(pos + 8, nameLength);
                if (!(name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)))
                {
                    if (into.Count >= MaxEntries)
                    {
                        throw new BootException($"{kind}: directory inode {directory} has more than {MaxEntries} entries");
                    }
                    into.Add((Encoding.UTF8.GetString(name), inode));
                }
            }
            pos += recLen;
        }
    }
}
