using Xeno.Boot.Images;
using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Ext;

/// <summary>The ext2/3/4 superblock fields needed to read files, validated against hostile values.</summary>
public sealed record ExtSuperblock(
    uint InodesCount,
    ulong BlocksCount,
    uint FirstDataBlock,
    int BlockSize,
    uint BlocksPerGroup,
    uint InodesPerGroup,
    int InodeSize,
    uint FeatureCompat,
    uint FeatureIncompat,
    uint FeatureRoCompat,
    int DescriptorSize,
    uint FirstMetaBg)
{
    public const int Offset = 1024;
    public const ushort Magic = 0xEF53;

    public const uint CompatHasJournal = 0x4;
    public const uint IncompatCompression = 0x1;
    public const uint IncompatFileType = 0x2;
    public const uint IncompatRecover = 0x4;
    public const uint IncompatJournalDev = 0x8;
    public const uint IncompatMetaBg = 0x10;
    public const uint IncompatExtents = 0x40;
    public const uint Incompat64Bit = 0x80;
    public const uint IncompatMmp = 0x100;
    public const uint IncompatFlexBg = 0x200;
    public const uint IncompatEaInode = 0x400;
    public const uint IncompatDirData = 0x1000;
    public const uint IncompatCsumSeed = 0x2000;
    public const uint IncompatLargeDir = 0x4000;
    public const uint IncompatInlineData = 0x8000;
    public const uint IncompatEncrypt = 0x10000;
    public const uint IncompatCasefold = 0x20000;
    public const uint RoCompatSparseSuper = 0x1;

    private const uint SupportedIncompat = IncompatFileType | IncompatRecover | IncompatMetaBg | IncompatExtents | Incompat64Bit
        | IncompatMmp | IncompatFlexBg | IncompatEaInode | IncompatCsumSeed | IncompatLargeDir | IncompatInlineData
        | IncompatEncrypt | IncompatCasefold;

    public bool Has64Bit => (FeatureIncompat & Incompat64Bit) != 0;
    public bool HasFileType => (FeatureIncompat & IncompatFileType) != 0;
    public bool HasMetaBg => (FeatureIncompat & IncompatMetaBg) != 0;
    public ulong GroupCount => (BlocksCount - FirstDataBlock + BlocksPerGroup - 1) / BlocksPerGroup;

    /// <summary>"ext4" when a feature ext3 lacks is on, else "ext3" with a journal, else "ext2" (as blkid names them).</summary>
    public string Kind
    {
        get
        {
            const uint ext3Incompat = IncompatFileType | IncompatRecover | IncompatMetaBg;
            const uint ext3RoCompat = 0x1 | 0x2 | 0x4;
            if ((FeatureIncompat & ~ext3Incompat) != 0 || (FeatureRoCompat & ~ext3RoCompat) != 0)
            {
                return "ext4";
            }
            return (FeatureCompat & CompatHasJournal) != 0 ? "ext3" : "ext2";
        }
    }

    /// <summary>
    /// True when <paramref name="superblock"/> (the 1 KiB at byte 1024) carries the ext magic number and
    /// plausible geometry; the extra checks keep stray 0xEF53 bytes (e.g. in a FAT) from passing.
    /// </summary>
    public static bool Probe(ReadOnlySpan<byte> superblock) =>
        superblock.Length >= 0x50 && U16(superblock, 0x38) == Magic && U32(superblock, 0x18) <= 6
        && U32(superblock, 0x20) != 0 && U32(superblock, 0x28) != 0 && U32(superblock, 0x4C) <= 1;

    public static ExtSuperblock Read(Stream device)
    {
        var sb = StreamReads.ReadBytesAt(device, Offset, 1024, "ext superblock");
        if (!Probe(sb))
        {
            throw new BootException("ext: no valid superblock (magic or geometry)");
        }
        uint logBlock = U32(sb, 0x18);
        if (logBlock > 6)
        {
            throw new BootException($"ext: superblock block size 1024<<{logBlock} out of range");
        }
        int blockSize = 1024 << (int)logBlock;
        uint incompat = U32(sb, 0x60);
        if ((incompat & IncompatJournalDev) != 0)
        {
            throw new BootException("found an ext3/4 external journal device, not a filesystem");
        }
        if ((incompat & IncompatCompression) != 0)
        {
            throw new BootException("ext: compressed ext2 filesystems are not supported");
        }
        if ((incompat & ~SupportedIncompat) != 0)
        {
            throw new BootException($"ext: unsupported incompatible features 0x{incompat & ~SupportedIncompat:x}");
        }
        uint rev = U32(sb, 0x4C);
        int inodeSize = rev == 0 ? 128 : U16(sb, 0x58);
        if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) != 0)
        {
            throw new BootException($"ext: superblock inode size {inodeSize} is invalid");
        }
        ulong blocks = U32(sb, 0x4);
        int descSize = 32;
        if ((incompat & Incompat64Bit) != 0)
        {
            blocks |= (ulong)U32(sb, 0x150) << 32;
            descSize = U16(sb, 0xFE);
            if (descSize < 32 || descSize > blockSize || (descSize & (descSize - 1)) != 0)
            {
                throw new BootException($"ext: superblock group descriptor size {descSize} is invalid");
            }
        }
        uint firstData = U32(sb, 0x14);
        uint blocksPerGroup = U32(sb, 0x20);
        uint inodesPerGroup = U32(sb, 0x28);
        uint inodes = U32(sb, 0x0);
        if (blocksPerGroup == 0 || inodesPerGroup == 0 || inodes == 0 || blocks <= firstData)
        {
            throw new BootException("ext: superblock has zero blocks or inodes per group");
        }
        if (blocks > (ulong)long.MaxValue / (ulong)blockSize)
        {
            throw new BootException($"ext: superblock block count {blocks} is too large");
        }
        return new ExtSuperblock(inodes, blocks, firstData, blockSize, blocksPerGroup, inodesPerGroup, inodeSize,
            U32(sb, 0x5C), incompat, U32(sb, 0x64), descSize, U32(sb, 0x104));
    }
}
