using Xeno.Boot.FileSystems.Ext;
using Xeno.Boot.FileSystems.Fat;
using Xeno.Boot.FileSystems.Iso;
using Xeno.Boot.Images;

namespace Xeno.Boot.FileSystems;

/// <summary>Recognises the filesystem on a partition (or whole disk) and opens it; names what it found when it cannot.</summary>
public static class FileSystemProbe
{
    private const int ProbeBytes = 0x10100;

    /// <summary>Which supported filesystem is on <paramref name="device"/>; a <see cref="BootException"/> naming what is there otherwise.</summary>
    public static FileSystemType Identify(Stream device)
    {
        var head = new byte[ProbeBytes];
        int got = StreamReads.ReadAvailableAt(device, 0, head);
        var h = head.AsSpan(0, got);
        if (got >= ExtSuperblock.Offset + 0x50 && ExtSuperblock.Probe(h[ExtSuperblock.Offset..]))
        {
            return FileSystemType.Ext;
        }
        if (At(h, 0x8001, "CD001"u8))
        {
            return FileSystemType.Iso9660;
        }
        if (got >= 512 && FatBootSector.TryParse(h, out _) is not null)
        {
            return FileSystemType.Fat;
        }
        throw new BootException(Describe(h, got));
    }

    /// <summary>Opens the filesystem on <paramref name="device"/> (which stays owned by the caller).</summary>
    public static IGuestFileSystem Open(Stream device) => Identify(device) switch
    {
        FileSystemType.Ext => new ExtFileSystem(device),
        FileSystemType.Fat => new FatFileSystem(device),
        _ => new IsoFileSystem(device),
    };

    private static string Describe(ReadOnlySpan<byte> h, int got)
    {
        string? found = Known(h);
        if (found is not null)
        {
            return $"unsupported filesystem: found {found}";
        }
        if (got == 0)
        {
            return "no filesystem: the partition is empty (0 bytes)";
        }
        if (!h.ContainsAnyExcept((byte)0))
        {
            return $"no filesystem: the first {got} bytes are all zeros";
        }
        return $"no filesystem: unknown contents (first bytes {Convert.ToHexString(h[..Math.Min(8, got)])})";
    }

    private static string? Known(ReadOnlySpan<byte> h)
    {
        if (At(h, 0, [0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE]) || At(h, 0, [0x53, 0x4B, 0x55, 0x4C, 0xBA, 0xBE]))
        {
            return "LUKS (encrypted volume)";
        }
        if (At(h, 0, "XFSB"u8)) return "xfs";
        if (At(h, 0x10040, "_BHRfS_M"u8)) return "btrfs";
        if (At(h, 0x10034, "ReIsErFs"u8) || At(h, 0x10034, "ReIsEr2Fs"u8) || At(h, 0x10034, "ReIsEr3Fs"u8)) return "reiserfs";
        if (At(h, 0x8000, "JFS1"u8)) return "jfs";
        if (At(h, 0xFF6, "SWAPSPACE2"u8) || At(h, 0xFF6, "SWAP-SPACE"u8)) return "Linux swap";
        if (At(h, 0x218, "LVM2 001"u8) || At(h, 0x18, "LVM2 001"u8)) return "LVM2 physical volume";
        if (At(h, 0, "hsqs"u8)) return "squashfs";
        if (At(h, 3, "NTFS    "u8)) return "ntfs";
        if (At(h, 3, "EXFAT   "u8)) return "exfat";
        if (At(h, 0x400, [0x10, 0x20, 0xF5, 0xF2])) return "f2fs";
        if (At(h, 0x55C, [0x19, 0x01, 0x54, 0x00]) || At(h, 0x55C, [0x00, 0x54, 0x01, 0x19])) return "ufs";
        if (At(h, 0x200, "EFI PART"u8)) return "a nested GPT partition table";
        if (At(h, 0x1FE, [0x55, 0xAA])) return "a boot sector (0x55AA) without a recognised filesystem";
        return null;
    }

    private static bool At(ReadOnlySpan<byte> h, int offset, ReadOnlySpan<byte> magic) =>
        h.Length >= offset + magic.Length && h.Slice(offset, magic.Length).SequenceEqual(magic);
}
