using Xeno.Boot.Images;
using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Fat;

/// <summary>The BIOS parameter block of a FAT12/16/32 volume and the layout derived from it.</summary>
public sealed record FatBootSector(
    int BytesPerSector,
    int SectorsPerCluster,
    long ReservedSectors,
    int FatCount,
    long SectorsPerFat,
    int RootEntries,
    long TotalSectors,
    uint RootCluster,
    int FatBits,
    long ClusterCount,
    int ActiveFat = 0)
{
    public long ClusterBytes => (long)BytesPerSector * SectorsPerCluster;
    /// <summary>Byte offset of the allocation table in use (FAT32 may switch mirroring off and name one).</summary>
    public long FatOffset => (ReservedSectors + ActiveFat * SectorsPerFat) * BytesPerSector;
    public long RootDirectoryOffset => (ReservedSectors + FatCount * SectorsPerFat) * BytesPerSector;
    public long RootDirectoryBytes => RootEntries * 32L;
    public long DataOffset => RootDirectoryOffset + (RootDirectoryBytes + BytesPerSector - 1) / BytesPerSector * BytesPerSector;

    /// <summary>Parses sector 0; returns null with a reason when it is not a FAT boot sector.</summary>
    public static FatBootSector? TryParse(ReadOnlySpan<byte> s, out string reason)
    {
        reason = "";
        if (s.Length < 512)
        {
            reason = "boot sector too short";
            return null;
        }
        bool jump = s[0] == 0xE9 || (s[0] == 0xEB && s[2] == 0x90);
        bool label = s.Slice(0x36, 3).SequenceEqual("FAT"u8) || s.Slice(0x52, 5).SequenceEqual("FAT32"u8);
        int bps = U16(s, 0x0B);
        int spc = s[0x0D];
        int reserved = U16(s, 0x0E);
        int fats = s[0x10];
        int rootEntries = U16(s, 0x11);
        long total = U16(s, 0x13) != 0 ? U16(s, 0x13) : U32(s, 0x20);
        long fatSize = U16(s, 0x16) != 0 ? U16(s, 0x16) : U32(s, 0x24);
        if (!(jump || label) || bps is not (512 or 1024 or 2048 or 4096) || spc == 0 || (spc & (spc - 1)) != 0
            || reserved == 0 || fats is 0 or > 4 || total == 0 || fatSize == 0)
        {
            reason = "no valid FAT BIOS parameter block";
            return null;
        }
        long rootSectors = (rootEntries * 32L + bps - 1) / bps;
        long dataStart = reserved + fats * fatSize + rootSectors;
        if (dataStart >= total)
        {
            reason = "FAT layout leaves no data area";
            return null;
        }
        long clusters = (total - dataStart) / spc;
        int bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
        uint rootCluster = 0;
        int activeFat = 0;
        if (bits == 32)
        {
            ushort extFlags = U16(s, 0x28);
            if ((extFlags & 0x80) != 0)
            {
                activeFat = extFlags & 0x0F;
                if (activeFat >= fats)
                {
                    reason = $"FAT32 names allocation table {activeFat} as active but has {fats}";
                    return null;
                }
            }
            if (rootEntries != 0 || U16(s, 0x16) != 0)
            {
                reason = "FAT32-sized volume with a FAT12/16 root directory";
                return null;
            }
            rootCluster = U32(s, 0x2C);
        }
        else if (rootEntries == 0)
        {
            reason = $"FAT{bits} volume without root directory entries";
            return null;
        }
        // The FAT must have an entry for every cluster.
        if (fatSize * bps * 8 / bits < clusters + 2)
        {
            reason = $"FAT of {fatSize} sectors is too small for {clusters} clusters";
            return null;
        }
        return new FatBootSector(bps, spc, reserved, fats, fatSize, rootEntries, total, rootCluster, bits, clusters, activeFat);
    }

    public static FatBootSector Read(Stream device)
    {
        var sector = new byte[512];
        if (StreamReads.ReadAvailableAt(device, 0, sector) < 512)
        {
            throw new BootException("vfat: device shorter than one sector");
        }
        return TryParse(sector, out var reason) ?? throw new BootException($"vfat: {reason}");
    }
}
