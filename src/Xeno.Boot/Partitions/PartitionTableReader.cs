using System.Buffers.Binary;
using Xeno.Boot.Images;

namespace Xeno.Boot.Partitions;

/// <summary>Reads the MBR (with its logical chain) or GPT of a disk; a disk without a valid table is one whole-disk filesystem.</summary>
public static class PartitionTableReader
{
    public const int SectorSize = 512;
    private const int MaxLogicalPartitions = 256;

    public static PartitionTable Read(Stream disk)
    {
        var slots = ReadPrimarySlots(disk);
        if (slots.Count == 0)
        {
            return Whole([], signature: false);
        }
        bool iso = HasIsoAtStart(disk);
        if (slots.Any(s => s.IsGptProtective && !s.IsEmpty))
        {
            var gpt = GptReader.Read(disk);
            return new PartitionTable(PartitionScheme.Gpt, gpt.Partitions, slots, true, gpt.UsedBackup, [], iso);
        }
        if (!LooksLikeMbr(slots, iso))
        {
            // Filesystem boot sectors (FAT, NTFS) and boot loaders carry 0x55AA too.
            return Whole(slots, signature: true);
        }
        var partitions = new List<Partition>();
        var warnings = new List<string>();
        // In a hybrid ISO an entry starting at sector 0 covers the ISO itself; the ISO is reported by IsoAtStart.
        foreach (var slot in slots.Where(s => !s.IsEmpty && s.StartLba != 0))
        {
            if (slot.IsExtended)
            {
                ReadLogicals(disk, slot.StartLba, partitions, warnings);
                continue;
            }
            partitions.Add(new Partition(slot.Index + 1, (long)slot.StartLba * SectorSize, (long)slot.SectorCount * SectorSize,
                slot.Type, Guid.Empty, slot.IsActive, IsLogical: false, ""));
        }
        partitions.Sort((a, b) => a.Number.CompareTo(b.Number));
        if (partitions.Count == 0)
        {
            return Whole(slots, signature: true);
        }
        return new PartitionTable(PartitionScheme.Mbr, partitions, slots, true, false, warnings, iso);
    }

    private static PartitionTable Whole(IReadOnlyList<MbrSlot> slots, bool signature) =>
        new(PartitionScheme.None, [], slots, signature, false, []);

    /// <summary>
    /// The four raw entries of sector 0 when it ends with 0x55AA, else none. Nothing is judged here:
    /// a FAT boot sector yields its boot code read as entries, which is what pygrub looks at too.
    /// </summary>
    internal static IReadOnlyList<MbrSlot> ReadPrimarySlots(Stream disk)
    {
        var sector0 = new byte[SectorSize];
        int got = StreamReads.ReadAvailableAt(disk, 0, sector0);
        if (got != SectorSize || sector0[510] != 0x55 || sector0[511] != 0xAA)
        {
            return [];
        }
        var slots = new MbrSlot[4];
        for (int i = 0; i < 4; i++)
        {
            var e = sector0.AsSpan(446 + 16 * i, 16);
            slots[i] = new MbrSlot(i, e[0], e[4], BinaryPrimitives.ReadUInt32LittleEndian(e[8..]), BinaryPrimitives.ReadUInt32LittleEndian(e[12..]));
        }
        return slots;
    }

    /// <summary>An ISO9660 primary volume descriptor ("CD001" at byte 0x8001): the disk is (also) an ISO.</summary>
    internal static bool HasIsoAtStart(Stream disk)
    {
        Span<byte> id = stackalloc byte[5];
        return StreamReads.ReadAvailableAt(disk, 0x8001, id) == 5 && id.SequenceEqual("CD001"u8);
    }

    /// <summary>
    /// A real MBR has at least one entry, and only 0x00/0x80 status bytes and non-zero starts on used
    /// entries (a start of 0 is allowed in hybrid ISOs, where that entry covers the ISO itself).
    /// </summary>
    private static bool LooksLikeMbr(IReadOnlyList<MbrSlot> slots, bool hybridIso)
    {
        bool any = false;
        foreach (var s in slots)
        {
            if (s.IsEmpty)
            {
                continue;
            }
            if (s.Status is not (0x00 or 0x80) || (s.StartLba == 0 && !hybridIso))
            {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static void ReadLogicals(Stream disk, uint extendedStart, List<Partition> partitions, List<string> warnings)
    {
        var seen = new HashSet<long>();
        long ebr = extendedStart;
        int number = 5;
        var sector = new byte[SectorSize];
        for (int hops = 0; ; hops++)
        {
            if (hops >= MaxLogicalPartitions)
            {
                warnings.Add($"more than {MaxLogicalPartitions} logical partitions; the rest are ignored");
                return;
            }
            if (!seen.Add(ebr))
            {
                warnings.Add($"logical partition chain loops back to sector {ebr}; stopped there");
                return;
            }
            if (StreamReads.ReadAvailableAt(disk, ebr * SectorSize, sector) != SectorSize || sector[510] != 0x55 || sector[511] != 0xAA)
            {
                warnings.Add($"extended boot record at sector {ebr} is missing or has no 0x55AA signature; logical chain stopped");
                return;
            }
            var first = sector.AsSpan(446, 16);
            var second = sector.AsSpan(462, 16);
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(first[8..]);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(first[12..]);
            if (first[4] != 0 && count != 0)
            {
                partitions.Add(new Partition(number++, (ebr + start) * SectorSize, (long)count * SectorSize,
                    first[4], Guid.Empty, first[0] == 0x80, IsLogical: true, ""));
            }
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(second[8..]);
            if (second[4] is not (0x05 or 0x0F or 0x85) || next == 0)
            {
                return;
            }
            ebr = (long)extendedStart + next;
        }
    }
}
