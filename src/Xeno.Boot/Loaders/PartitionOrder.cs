using System.Buffers.Binary;

namespace Xeno.Boot.Loaders;

/// <summary>
/// The byte offsets pygrub tries, in order, to find a filesystem holding a boot config:
/// no MBR signature → just 0; an MBR → its primary partitions (the active one first), with a
/// hybrid ISO also at 0 first; a protective 0xEE entry → every GPT partition; Solaris 0xBF/0x82
/// entries → the root slice of their VTOC (else skipped). Beyond pygrub, logical partitions
/// of an extended partition are tried after the primaries (pygrub never looks at them).
/// Xen 4.17's pygrub, running on Python 3, never recognises the active flag nor a hybrid
/// ISO (it compares bytes with str); we do what it was written to do.
/// </summary>
public static class PartitionOrder
{
    private const int Sector = 512;
    private const int MaxGptEntries = 1024;
    private const int MaxLogical = 128;

    public static IReadOnlyList<long> Offsets(Stream disk)
    {
        var head = ReadAt(disk, 0, 0x8006);
        if (head.Length < Sector || head[0x1fe] != 0x55 || head[0x1ff] != 0xaa) return [0];

        var offsets = new List<long>();
        if (head.Length >= 0x8006 && head.AsSpan(0x8001, 5).SequenceEqual("CD001"u8)) offsets.Add(0);
        var extended = new List<long>();

        for (int slot = 0; slot < 4; slot++)
        {
            var entry = head.AsSpan(446 + 16 * slot, 16);
            long offset = (long)BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]) * Sector;
            byte type = entry[4];
            if (offset == 0) continue;

            if (type is 0xbf or 0x82)
            {
                var slice = SolarisRootSlice(disk, offset);
                if (slice is null) continue;
                offset += slice.Value;
            }
            if (type == 0xee)
            {
                offsets.AddRange(GptOffsets(disk));
                break;
            }
            if (type is 0x05 or 0x0f or 0x85) extended.Add(offset);

            if (entry[0] == 0x80) offsets.Insert(0, offset);
            else offsets.Add(offset);
        }

        foreach (var ext in extended)
            foreach (var logical in LogicalOffsets(disk, ext))
                if (!offsets.Contains(logical)) offsets.Add(logical);

        return offsets.Count == 0 ? [0] : offsets;
    }

    private static long? SolarisRootSlice(Stream disk, long partition)
    {
        var label = ReadAt(disk, partition + Sector, Sector);
        if (label.Length < Sector || BinaryPrimitives.ReadUInt16LittleEndian(label.AsSpan(508)) != 0xdabe) return null;
        int slices = Math.Min((int)BinaryPrimitives.ReadUInt16LittleEndian(label.AsSpan(30)), (Sector - 72) / 12);
        for (int i = 0; i < slices; i++)
        {
            var s = label.AsSpan(72 + 12 * i);
            if (BinaryPrimitives.ReadUInt16LittleEndian(s) == 2)
                return (long)BinaryPrimitives.ReadUInt32LittleEndian(s[4..]) * Sector;
        }
        return null;
    }

    private static IEnumerable<long> GptOffsets(Stream disk)
    {
        var header = ReadAt(disk, Sector, Sector);
        if (header.Length < 92 || !header.AsSpan(0, 8).SequenceEqual("EFI PART"u8)) yield break;
        long entriesLba = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        if (size < 128 || size > 4096 || entriesLba < 2 || entriesLba > long.MaxValue / Sector) yield break;
        int n = (int)Math.Min(count, MaxGptEntries);
        var table = ReadAt(disk, entriesLba * Sector, n * (int)size);
        for (int i = 0; i + 1 <= n && (i + 1) * size <= table.Length; i++)
        {
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(i * (int)size + 32));
            if (first == 0 || first > long.MaxValue / Sector) continue; // unused slot
            yield return (long)first * Sector;
        }
    }

    private static IEnumerable<long> LogicalOffsets(Stream disk, long extendedStart)
    {
        var seen = new HashSet<long>();
        long ebr = extendedStart;
        for (int i = 0; i < MaxLogical && seen.Add(ebr); i++)
        {
            var sector = ReadAt(disk, ebr, Sector);
            if (sector.Length < Sector || sector[0x1fe] != 0x55 || sector[0x1ff] != 0xaa) yield break;
            uint relStart = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(446 + 8));
            if (relStart != 0 && sector[446 + 4] != 0) yield return ebr + (long)relStart * Sector;
            uint nextRel = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(462 + 8));
            if (nextRel == 0 || sector[462 + 4] == 0) yield break;
            ebr = extendedStart + (long)nextRel * Sector;
        }
    }

    private static byte[] ReadAt(Stream disk, long offset, int count)
    {
        if (offset < 0 || offset >= disk.Length) return [];
        count = (int)Math.Min(count, disk.Length - offset);
        var buffer = new byte[count];
        disk.Position = offset;
        int total = 0;
        while (total < count)
        {
            int n = disk.Read(buffer, total, count - total);
            if (n == 0) break;
            total += n;
        }
        return total == count ? buffer : buffer[..total];
    }
}
