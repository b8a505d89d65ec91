using System.Buffers.Binary;
using System.Text;
using Xeno.Boot.Images;

namespace Xeno.Boot.Partitions;

/// <summary>Reads a GUID partition table, checking header and entry-array CRC32s and falling back to the backup copy.</summary>
internal static class GptReader
{
    private const int SectorSize = PartitionTableReader.SectorSize;
    private const long MaxEntryBytes = 1 << 20;
    private const ulong LegacyBiosBootable = 1UL << 2;

    public sealed record Result(IReadOnlyList<Partition> Partitions, bool UsedBackup);

    public static Result Read(Stream disk)
    {
        long lastLba = disk.Length / SectorSize - 1;
        string primaryProblem;
        try
        {
            return new Result(ReadCopy(disk, 1, lastLba), UsedBackup: false);
        }
        catch (BootException e)
        {
            primaryProblem = e.Message;
        }
        try
        {
            return new Result(ReadCopy(disk, lastLba, lastLba), UsedBackup: true);
        }
        catch (BootException e)
        {
            throw new BootException($"GPT unusable: primary copy: {primaryProblem}; backup copy: {e.Message}");
        }
    }

    private static List<Partition> ReadCopy(Stream disk, long headerLba, long lastLba)
    {
        string where = $"GPT header at sector {headerLba}";
        if (headerLba < 1)
        {
            throw new BootException($"{where}: disk too small for a GPT");
        }
        var header = StreamReads.ReadBytesAt(disk, headerLba * SectorSize, SectorSize, where);
        if (!header.AsSpan(0, 8).SequenceEqual("EFI PART"u8))
        {
            throw new BootException($"{where}: no 'EFI PART' signature");
        }
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (headerSize is < 92 or > SectorSize)
        {
            throw new BootException($"{where}: header size {headerSize} out of range 92..{SectorSize}");
        }
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16));
        var copy = header.AsSpan(0, (int)headerSize).ToArray();
        copy.AsSpan(16, 4).Clear();
        if (System.IO.Hashing.Crc32.HashToUInt32(copy) != storedCrc)
        {
            throw new BootException($"{where}: header CRC32 mismatch");
        }
        ulong myLba = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24));
        if (myLba != (ulong)headerLba)
        {
            throw new BootException($"{where}: header says it lives at sector {myLba}");
        }
        ulong entriesLba = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        uint entrySize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        uint entriesCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(88));
        if (entrySize < 128 || entrySize % 8 != 0)
        {
            throw new BootException($"{where}: partition entry size {entrySize} is invalid");
        }
        if ((long)count * entrySize > MaxEntryBytes)
        {
            throw new BootException($"{where}: {count} entries of {entrySize} bytes exceed {MaxEntryBytes} bytes");
        }
        if (entriesLba < 1 || entriesLba > (ulong)lastLba)
        {
            throw new BootException($"{where}: partition entries at sector {entriesLba} lie outside the disk");
        }
        var entries = StreamReads.ReadBytesAt(disk, (long)entriesLba * SectorSize, (int)(count * entrySize), $"{where}: partition entries");
        if (System.IO.Hashing.Crc32.HashToUInt32(entries) != entriesCrc)
        {
            throw new BootException($"{where}: partition entry array CRC32 mismatch");
        }
        var partitions = new List<Partition>();
        for (int i = 0; i < count; i++)
        {
            var e = entries.AsSpan(i * (int)entrySize, 128);
            var type = new Guid(e[..16]);
            if (type == Guid.Empty)
            {
                continue;
            }
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(e[32..]);
            ulong last = BinaryPrimitives.ReadUInt64LittleEndian(e[40..]);
            ulong attributes = BinaryPrimitives.ReadUInt64LittleEndian(e[48..]);
            if (last < first || last > (ulong)long.MaxValue / SectorSize)
            {
                throw new BootException($"{where}: partition {i + 1} spans sectors {first}..{last}, which is invalid");
            }
            string name = Encoding.Unicode.GetString(e.Slice(56, 72)).TrimEnd('\0');
            int nul = name.IndexOf('\0');
            if (nul >= 0)
            {
                name = name[..nul];
            }
            partitions.Add(new Partition(i + 1, (long)first * SectorSize, (long)(last - first + 1) * SectorSize,
                0, type, (attributes & LegacyBiosBootable) != 0, IsLogical: false, name));
        }
        return partitions;
    }
}
