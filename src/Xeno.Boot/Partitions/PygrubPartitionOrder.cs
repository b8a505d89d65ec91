using System.Buffers.Binary;
using Xeno.Boot.Images;

namespace Xeno.Boot.Partitions;

/// <summary>
/// The byte offsets Xen's pygrub (4.17, as shipped by Debian and run by Python 3) tries, in order,
/// when looking for the filesystem that holds the kernel. Facts reproduced:
/// <list type="bullet">
/// <item>No 0x55AA at byte 510: only offset 0.</item>
/// <item>Else the four MBR slots in order; a slot whose start LBA is 0 is skipped (its type is not looked at).</item>
/// <item>Types 0xBF and 0x82 (Solaris, and also Linux swap) are kept only with a Solaris VTOC (magic 0xDABE) whose
/// root slice is added to the offset; without one they are skipped.</item>
/// <item>Type 0xEE: the GPT header at sector 1 gives the entry count and size; the entries are read from byte 1024
/// on, whatever the header's entry LBA says, and every entry's first LBA is added, empty ones included (offset 0);
/// the remaining MBR slots are ignored. Header CRCs are not checked.</item>
/// <item>Extended partitions are tried as if they held a filesystem; logical partitions are never tried.</item>
/// <item>Under Python 3 the active-partition test compares bytes with str and never succeeds, so the active
/// partition is not moved first, and the HybridISO test fails the same way, so offset 0 is not added for
/// hybrid ISOs. <paramref name="activeFirst"/>/<paramref name="hybridIso"/> restore what the source intends.</item>
/// <item>No usable slot at all: offset 0.</item>
/// </list>
/// Where pygrub crashes (short reads, GPT entries smaller than 40 bytes), this stops cleanly instead.
/// </summary>
public static class PygrubPartitionOrder
{
    private const int Sector = 512;
    private const int MaxGptEntries = 4096;

    public static IReadOnlyList<long> Offsets(Stream disk, bool activeFirst = false, bool hybridIso = false)
    {
        var sector0 = new byte[Sector];
        if (StreamReads.ReadAvailableAt(disk, 0, sector0) < Sector || sector0[510] != 0x55 || sector0[511] != 0xAA)
        {
            return [0];
        }
        var offsets = new List<long>();
        if (hybridIso)
        {
            Span<byte> cd = stackalloc byte[5];
            if (StreamReads.ReadAvailableAt(disk, 0x8001, cd) == 5 && cd.SequenceEqual("CD001"u8))
            {
                offsets.Add(0);
            }
        }
        for (int slot = 0; slot < 4; slot++)
        {
            var entry = sector0.AsSpan(446 + 16 * slot, 16);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]) * (long)Sector;
            byte type = entry[4];
            if (offset == 0)
            {
                continue;
            }
            if (type is 0xBF or 0x82)
            {
                long? slice = SolarisRootSlice(disk, offset);
                if (slice is null)
                {
                    continue;
                }
                offset += slice.Value;
            }
            if (type == 0xEE)
            {
                offsets.AddRange(GptOffsets(disk));
                break;
            }
            if (activeFirst && entry[0] == 0x80)
            {
                offsets.Insert(0, offset);
            }
            else
            {
                offsets.Add(offset);
            }
        }
        return offsets.Count == 0 ? [0] : offsets;
    }

    private static long? SolarisRootSlice(Stream disk, long partitionOffset)
    {
        var label = new byte[Sector];
        if (StreamReads.ReadAvailableAt(disk, partitionOffset + Sector, label) < Sector
            || BinaryPrimitives.ReadUInt16LittleEndian(label.AsSpan(508)) != 0xDABE)
        {
            return null;
        }
        int slices = BinaryPrimitives.ReadUInt16LittleEndian(label.AsSpan(30));
        for (int i = 0; i < slices && 72 + 12 * i + 8 <= 508; i++)
        {
            var s = label.AsSpan(72 + 12 * i, 12);
            if (BinaryPrimitives.ReadUInt16LittleEndian(s) == 2)
            {
                return BinaryPrimitives.ReadUInt32LittleEndian(s[4..]) * (long)Sector;
            }
        }
        return null;
    }

    private static List<long> GptOffsets(Stream disk)
    {
        var header = new byte[Sector];
        var offsets = new List<long>();
        if (StreamReads.ReadAvailableAt(disk, Sector, header) < 88)
        {
            return offsets;
        }
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        if (size < 40 || size > 1 << 16)
        {
            return offsets;
        }
        var entry = new byte[40];
        long at = 2 * Sector;
        for (uint i = 0; i < Math.Min(count, MaxGptEntries); i++, at += size)
        {
            if (StreamReads.ReadAvailableAt(disk, at, entry) < 40)
            {
                break;
            }
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(32));
            offsets.Add(first > long.MaxValue / Sector ? long.MaxValue : (long)first * Sector);
        }
        return offsets;
    }
}
