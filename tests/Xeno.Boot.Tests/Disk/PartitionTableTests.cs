using System.Text.Json;
using Xeno.Boot.Disks;
using Xeno.Boot.FileSystems;
using Xeno.Boot.Partitions;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>MBR (with logical partitions) and GPT tables against sfdisk's reading of the same disks.</summary>
public sealed class PartitionTableTests
{
    [Theory]
    [InlineData("mbr")]
    [InlineData("gpt")]
    public void PartitionsMatchWhatSfdiskReads(string name)
    {
        string path = name == "mbr" ? DiskCorpus.MbrDisk : DiskCorpus.GptDisk;
        using var json = JsonDocument.Parse(HostTool.Run("sfdisk", "-J", path));
        var expected = json.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() is not ("5" or "f" or "85"))
            .Select(p => (
                Number: int.Parse(p.GetProperty("node").GetString()![path.Length..]),
                Offset: p.GetProperty("start").GetInt64() * 512,
                Length: p.GetProperty("size").GetInt64() * 512,
                Type: p.GetProperty("type").GetString()!.ToUpperInvariant(),
                Bootable: (p.TryGetProperty("bootable", out var b) && b.GetBoolean())
                    || (p.TryGetProperty("attrs", out var a) && a.GetString()!.Contains("LegacyBIOSBootable")),
                Name: p.TryGetProperty("name", out var n) ? n.GetString()! : ""))
            .ToList();
        using var file = File.OpenRead(path);
        using var disk = GuestDisk.Open(file);
        var actual = disk.Partitions.Select(p => (
            p.Number, p.Offset, p.Length,
            Type: name == "mbr" ? p.MbrType.ToString("X") : p.GptType.ToString().ToUpperInvariant(),
            p.Bootable, p.Name)).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(name == "mbr" ? PartitionScheme.Mbr : PartitionScheme.Gpt, disk.Table.Scheme);
        Assert.False(disk.Table.UsedGptBackup);
        Assert.Empty(disk.Table.Warnings);
    }

    [Fact]
    public void MbrLogicalPartitionsAreNumberedFrom5AndHoldFilesystems()
    {
        using var file = File.OpenRead(DiskCorpus.MbrDisk);
        using var disk = GuestDisk.Open(file);
        Assert.Equal([1, 2, 5, 6], disk.Partitions.Select(p => p.Number));
        Assert.Equal([false, false, true, true], disk.Partitions.Select(p => p.IsLogical));
        Assert.Equal([false, true, false, false], disk.Partitions.Select(p => p.Bootable));
        Assert.Equal(FileSystemType.Ext, disk.Identify(disk.Partitions[0]));
        Assert.Equal(FileSystemType.Fat, disk.Identify(disk.Partitions[1]));
        TreeAssert.SameAsSource(disk.OpenFileSystem(disk.Partitions[0]), DiskCorpus.GuestSource, StringComparer.Ordinal);
        TreeAssert.SameAsSource(disk.OpenFileSystem(disk.Partitions[1]), DiskCorpus.PlainSource, StringComparer.OrdinalIgnoreCase);
        TreeAssert.SameAsSource(disk.OpenFileSystem(disk.Partitions[2]), DiskCorpus.PlainSource, StringComparer.Ordinal);
        var swap = Assert.Throws<BootException>(() => disk.OpenFileSystem(disk.Partitions[3]));
        Assert.Contains("partition 6", swap.Message);
        Assert.Contains("Linux swap", swap.Message);
        Assert.Equal(3, disk.FileSystems().Count);
    }

    [Fact]
    public void GptPartitionsHoldFilesystemsAndAnEmptyOneIsNamedAsSuch()
    {
        using var file = File.OpenRead(DiskCorpus.GptDisk);
        using var disk = GuestDisk.Open(file);
        Assert.Equal(["bios", "root", "data"], disk.Partitions.Select(p => p.Name));
        Assert.Contains("all zeros", Assert.Throws<BootException>(() => disk.OpenFileSystem(disk.Partitions[0])).Message);
        Assert.Equal("ext4", disk.OpenFileSystem(disk.Partitions[1]).Kind);
        TreeAssert.SameAsSource(disk.OpenFileSystem(disk.Partitions[1]), DiskCorpus.GuestSource, StringComparer.Ordinal);
        Assert.Equal("vfat", disk.OpenFileSystem(disk.Partitions[2]).Kind);
    }

    [Theory]
    [InlineData(512 + 60, "header")]       // inside the primary header
    [InlineData(1024 + 40, "entries")]     // inside the primary entry array
    public void DamagedPrimaryGptFallsBackToTheBackup(long offset, string what)
    {
        var bytes = File.ReadAllBytes(DiskCorpus.GptDisk);
        bytes[offset] ^= 0xFF;
        using var disk = GuestDisk.Open(new MemoryStream(bytes, writable: false));
        Assert.True(disk.Table.UsedGptBackup, what);
        Assert.Equal(["bios", "root", "data"], disk.Partitions.Select(p => p.Name));
    }

    [Fact]
    public void DamagedPrimaryAndBackupGptIsAClearError()
    {
        var bytes = File.ReadAllBytes(DiskCorpus.GptDisk);
        bytes[512 + 60] ^= 0xFF;
        bytes[bytes.Length - 512 + 60] ^= 0xFF;
        var e = Assert.Throws<BootException>(() => GuestDisk.Open(new MemoryStream(bytes, writable: false)));
        Assert.Contains("GPT unusable", e.Message);
        Assert.Contains("CRC32", e.Message);
    }

    [Fact]
    public void LogicalChainThatLoopsIsCutWithAWarning()
    {
        var bytes = new byte[4 << 20];
        WriteMbrEntry(bytes, 0, 0x446 - 0x446, status: 0, type: 0x05, start: 2048, count: 4096);
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        // EBR at 2048 holds a logical at +64 and points to the EBR at +256, which points to itself.
        foreach (int ebrSector in (int[])[2048, 2048 + 256])
        {
            int ebr = ebrSector * 512;
            WriteMbrEntry(bytes, ebr, 0, 0, 0x83, 64, 128);
            WriteMbrEntry(bytes, ebr, 1, 0, 0x05, 256, 256);
            bytes[ebr + 510] = 0x55;
            bytes[ebr + 511] = 0xAA;
        }
        var table = PartitionTableReader.Read(new MemoryStream(bytes));
        Assert.Equal(PartitionScheme.Mbr, table.Scheme);
        Assert.Equal([(2048 + 64) * 512L, (2048 + 256 + 64) * 512L], table.Partitions.Select(p => p.Offset));
        Assert.Equal([5, 6], table.Partitions.Select(p => p.Number));
        Assert.Contains(table.Warnings, w => w.Contains("loops"));
    }

    [Fact]
    public void HybridIsoOffersItsIsoVolumeAndItsPartitions()
    {
        using var file = File.OpenRead(DiskCorpus.HybridIso);
        using var disk = GuestDisk.Open(file);
        Assert.Equal(PartitionScheme.Mbr, disk.Table.Scheme);
        Assert.True(disk.Table.IsoAtStart);
        var partition = Assert.Single(disk.Partitions);
        Assert.Equal(2, partition.Number);
        Assert.Equal(0xEF, partition.MbrType);
        Assert.Equal(["iso9660", "vfat"], disk.FileSystems().Select(f => f.FileSystem.Kind));
        TreeAssert.SameAsSource(disk.FileSystems()[0].FileSystem, DiskCorpus.PlainSource, StringComparer.Ordinal);
        // Xen's pygrub under Python 3 never tries the ISO at 0 (see PygrubPartitionOrderMatchesXensPygrub); its source means to.
        Assert.Equal([partition.Offset], disk.PygrubOffsets());
        Assert.Equal([0, partition.Offset], disk.PygrubOffsets(hybridIso: true));
    }

    [Fact]
    public void FatBootSectorWithoutATableIsAWholeDiskFilesystem()
    {
        using var file = File.OpenRead(DiskCorpus.Image("fat16"));
        var table = PartitionTableReader.Read(file);
        Assert.True(table.HasBootSignature);
        Assert.Equal(PartitionScheme.None, table.Scheme);
    }

    internal static void WriteMbrEntry(byte[] disk, int sectorOffset, int slot, byte status, byte type, uint start, uint count)
    {
        int at = sectorOffset + 446 + 16 * slot;
        disk[at] = status;
        disk[at + 4] = type;
        BitConverter.TryWriteBytes(disk.AsSpan(at + 8), start);
        BitConverter.TryWriteBytes(disk.AsSpan(at + 12), count);
    }
}
