using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>One ext inode: its type, size, flags and the 60-byte block area (block map, extent root or inline data).</summary>
public sealed class ExtInode
{
    public const uint FlagIndex = 0x1000;
    public const uint FlagEncrypt = 0x800;
    public const uint FlagExtents = 0x80000;
    public const uint FlagInlineData = 0x10000000;
    public const int BlockAreaSize = 60;

    public ExtInode(uint number, byte[] raw)
    {
        Number = number;
        Raw = raw;
        Mode = U16(raw, 0x0);
        Flags = U32(raw, 0x20);
        Size = U32(raw, 0x4) | ((ulong)U32(raw, 0x6C) << 32);
    }

    public uint Number { get; }

    /// <summary>The whole on-disk inode (inode-size bytes), kept for in-inode extended attributes.</summary>
    public byte[] Raw { get; }

    public ushort Mode { get; }
    public uint Flags { get; }
    public ulong Size { get; }

    public ReadOnlySpan<byte> BlockArea => Raw.AsSpan(0x28, BlockAreaSize);

    public NodeType Type => (Mode & 0xF000) switch
    {
        0x8000 => NodeType.File,
        0x4000 => NodeType.Directory,
        0xA000 => NodeType.Symlink,
        _ => NodeType.Other,
    };

    public bool HasExtents => (Flags & FlagExtents) != 0;
    public bool HasInlineData => (Flags & FlagInlineData) != 0;
}
