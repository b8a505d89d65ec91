using System.Buffers.Binary;
using Xeno.Boot.Images;

namespace Xeno.Boot.Partitions;

/// <summary>
/// The byte offsets pygrub tries, in order, when looking for the filesystem that holds the kernel.
/// With <see cref="PygrubOrderOptions.Xen417"/> (the default) this is Xen 4.17's pygrub as Debian ships it and
/// runs it under Python 3:
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
/// hybrid ISOs.</item>
/// <item>No usable slot at all: offset 0.</item>
/// </list>
/// <see cref="PygrubOrderOptions"/> turns on what the source intends instead, and logical partitions.
/// Where pygrub crashes (short reads, GPT entries smaller than 40 bytes), this stops cleanly instead.
/// </summary>
public static class PygrubPartitionOrder
{
    private const int Sector = PartitionTableReader.SectorSize;
    private const int MaxLogical = 128;

    public static IReadOnlyList<long> Offsets(Stream disk, PygrubOrderOptions? options = null) =>
        Offsets(disk, PartitionTableReader.ReadPrimarySlots(disk), options);

    /// <param name="disk">The whole virtual disk.</param>
    /// <param name="primarySlots">Its sector-0 entries as <see cref="PartitionTableReader"/> read them (none without 0x55AA).</param>
    /// <param name="options">Departures from Xen 4.17's pygrub; none by default.</param>
    public static IReadOnlyList<long> Offsets(Stream disk, IReadOnlyList<MbrSlot> primarySlots, PygrubOrderOptions? options = null)
    {
        options ??= PygrubOrderOptions.Xen417;
        if (primarySlots.Count == 0)
        {
            return [0];
        }
        var offsets = new List<long>();
        if (options.HybridIso && PartitionTableReader.HasIsoAtStart(disk))
        {
            offsets.Add(0);
        }
        var extended = new List<long>();
        foreach (var slot in primarySlots)
        {
            long offset = slot.StartLba * (long)Sector;
            if (offset == 0)
            {
                continue;
            }
            if (slot.Type is 0xBF or 0x82)
            {
                long? rootSlice = SolarisRootSlice(disk, offset);
                if (rootSlice is null)
                {
                    continue;
                }
                offset += rootSlice.Value;
            }
            if (slot.IsGptProtective)
            {
                offsets.AddRange(options.GptEntriesFromHeader ? GptOffsetsFromHeader(disk) : GptOffsetsAsPygrub(disk));
                break;
            }
            if (options.LogicalPartitions && slot.IsExtended)
            {
                extended.Add(offset);
            }
            if (options.ActiveFirst && slot.IsActive)
            {
                offsets.Insert(0, offset);
            }
            else
            {
                offsets.Add(offset);
            }
        }
        foreach (long start in extended)
        {
            foreach (long logical in LogicalOffsets(disk, start))
            {
                if (!offsets.Contains(logical))
                {
                    offsets.Add(logical);
                }
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

    /// <summary>pygrub's reading: count and size from the header, entries from byte 1024, unused ones included.</summary>
    private static List<long> GptOffsetsAsPygrub(Stream disk)
    {
        const int MaxEntries = 4096;
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
        for (uint i = 0; i < Math.Min(count, MaxEntries); i++, at += size)
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

    /// <summary>The intended reading: a signed header, entries at its entry LBA, unused (first LBA 0) ones left out.</summary>
    private static List<long> GptOffsetsFromHeader(Stream disk)
    {
        const int MaxEntries = 1024;
        var header = new byte[Sector];
        var offsets = new List<long>();
        if (StreamReads.ReadAvailableAt(disk, Sector, header) < 92 || !header.AsSpan(0, 8).SequenceEqual("EFI PART"u8))
        {
            return offsets;
        }
        long entriesLba = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        if (size < 128 || size > 4096 || entriesLba < 2 || entriesLba > long.MaxValue / Sector)
        {
            return offsets;
        }
        var entry = new byte[40];
        long at = entriesLba * Sector;
        for (uint i = 0; i < Math.Min(count, MaxEntries); i++, at += size)
        {
            // The whole entry must be on the disk, not just the part read.
            if (at > disk.Length - size || StreamReads.ReadAvailableAt(disk, at, entry) < 40)
            {
                break;
            }
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(32));
            if (first != 0 && first <= long.MaxValue / Sector)
            {
                offsets.Add((long)first * Sector);
            }
        }
        return offsets;
    }

    /// <summary>The logical partitions chained from the extended partition at <paramref name="extendedStart"/> (bytes).</summary>
    private static List<long> LogicalOffsets(Stream disk, long extendedStart)
    {
        var offsets = new List<long>();
        var seen = new HashSet<long>();
        var sector = new byte[Sector];
        long ebr = extendedStart;
        for (int i = 0; i < MaxLogical && seen.Add(ebr); i++)
        {
            if (StreamReads.ReadAvailableAt(disk, ebr, sector) < Sector || sector[510] != 0x55 || sector[511] != 0xAA)
            {
                break;
            }
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(446 + 8));
            if (start != 0 && sector[446 + 4] != 0)
            {
                offsets.Add(ebr + start * (long)Sector);
            }
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(462 + 8));
            if (next == 0 || sector[462 + 4] == 0)
            {
                break;
            }
            ebr = extendedStart + next * (long)Sector;
        }
        return offsets;
    }
}
