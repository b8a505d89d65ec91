using System.Buffers.Binary;
using Xeno.Boot.Disks;
using Xeno.Boot.Partitions;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>
/// The offsets pygrub tries: Xen 4.17's exact order (against Xen's own pygrub), and the
/// <see cref="PygrubOrderOptions.Intended"/> order the boot loader and xeno-pygrub use.
/// </summary>
public sealed class PygrubPartitionOrderTests
{
    private static readonly PygrubOrderOptions Intended = PygrubOrderOptions.Intended;

    public static TheoryData<string> PygrubDisks => new() { "mbr", "gpt", "ext4", "fat16", "iso-rr", "hybrid-iso", "active-third", "solaris-swap" };

    [Theory]
    [MemberData(nameof(PygrubDisks))]
    public void PygrubPartitionOrderMatchesXensPygrub(string name)
    {
        string path = name switch
        {
            "mbr" => DiskCorpus.MbrDisk,
            "gpt" => DiskCorpus.GptDisk,
            "hybrid-iso" => DiskCorpus.HybridIso,
            "active-third" => Crafted(name, b =>
            {
                PartitionTableTests.WriteMbrEntry(b, 0, 0, 0, 0x83, 2048, 100);
                PartitionTableTests.WriteMbrEntry(b, 0, 1, 0, 0x00, 0, 0);
                PartitionTableTests.WriteMbrEntry(b, 0, 2, 0x80, 0x83, 4096, 100);
            }),
            "solaris-swap" => Crafted(name, b =>
            {
                PartitionTableTests.WriteMbrEntry(b, 0, 0, 0, 0x82, 2048, 100);
                PartitionTableTests.WriteMbrEntry(b, 0, 1, 0, 0x83, 4096, 100);
            }),
            _ => DiskCorpus.Image(name),
        };
        using var file = File.OpenRead(path);
        Assert.Equal(PygrubOracle.PartitionOffsets(path), PygrubPartitionOrder.Offsets(file));
    }

    [Fact]
    public void PygrubOrderCanPutTheActivePartitionFirstAsItsSourceIntends()
    {
        var bytes = new byte[1 << 20];
        PartitionTableTests.WriteMbrEntry(bytes, 0, 0, 0, 0x83, 64, 100);
        PartitionTableTests.WriteMbrEntry(bytes, 0, 2, 0x80, 0x83, 512, 100);
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        Assert.Equal([512L * 512, 64L * 512], PygrubPartitionOrder.Offsets(new MemoryStream(bytes), new PygrubOrderOptions { ActiveFirst = true }));
        Assert.Equal([64L * 512, 512L * 512], PygrubPartitionOrder.Offsets(new MemoryStream(bytes)));
    }

    [Fact]
    public void GuestDiskOffersBothOrdersFromTheTableItRead()
    {
        var bytes = LogicalsDisk();
        using var disk = GuestDisk.Open(new MemoryStream(bytes, writable: false));
        Assert.Equal([100L * 512, 1000L * 512], disk.PygrubOffsets());
        Assert.Equal(PygrubPartitionOrder.Offsets(new MemoryStream(bytes), Intended), disk.PygrubOffsets(Intended));
    }

    // The intended order (what the boot loader, and so xeno-pygrub, tries).

    [Fact]
    public void NoSignatureMeansWholeDisk() => Assert.Equal([0L], PygrubPartitionOrder.Offsets(new MemoryStream(new byte[4096]), Intended));

    [Fact]
    public void SignatureWithoutPartitionsMeansWholeDisk() => Assert.Equal([0L], PygrubPartitionOrder.Offsets(new MemoryStream(NewDisk()), Intended));

    [Fact]
    public void PrimariesInOrderWithTheActiveOneFirstAndSwapSkipped()
    {
        var d = NewDisk();
        Slot(d, 0, 0x83, 2048);
        Slot(d, 1, 0x82, 3000); // Linux swap shares Solaris' id: no VTOC → skipped
        Slot(d, 2, 0x83, 3500, active: true);
        Assert.Equal([3500L * 512, 2048L * 512], PygrubPartitionOrder.Offsets(new MemoryStream(d), Intended));
    }

    [Fact]
    public void LogicalPartitionsFollowThePrimaries()
    {
        var d = LogicalsDisk();
        Assert.Equal([100L * 512, 1000L * 512, 1010L * 512, 1510L * 512], PygrubPartitionOrder.Offsets(new MemoryStream(d), Intended));
    }

    [Fact]
    public void LogicalChainLoopsEnd()
    {
        var d = NewDisk();
        Slot(d, 0, 0x0f, 1000);
        d[1000 * 512 + 510] = 0x55; d[1000 * 512 + 511] = 0xaa;
        Slot(d, 0, 0x83, 10, at: 1000 * 512);
        Slot(d, 1, 0x05, 0x0, at: 1000 * 512);
        d[1000 * 512 + 462 + 4] = 0x05;
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(1000 * 512 + 462 + 8), 0); // next = 0 ends
        Assert.Equal([1000L * 512, 1010L * 512], PygrubPartitionOrder.Offsets(new MemoryStream(d), Intended));
    }

    [Fact]
    public void GptPartitionsFromTheEntryArray()
    {
        var d = NewDisk();
        Slot(d, 0, 0xee, 1);
        "EFI PART"u8.CopyTo(d.AsSpan(512));
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(512 + 72), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(512 + 80), 128);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(512 + 84), 128);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(1024 + 32), 2048);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(1024 + 128 * 2 + 32), 3000);
        Assert.Equal([2048L * 512, 3000L * 512], PygrubPartitionOrder.Offsets(new MemoryStream(d), Intended));
    }

    [Fact]
    public void HybridIsoTriesOffsetZeroFirst()
    {
        var d = NewDisk(80);
        "CD001"u8.CopyTo(d.AsSpan(0x8001));
        Slot(d, 0, 0x00, 64);
        Assert.Equal([0L, 64L * 512], PygrubPartitionOrder.Offsets(new MemoryStream(d), Intended));
    }

    private static byte[] NewDisk(int sectors = 4096)
    {
        var d = new byte[sectors * 512];
        d[510] = 0x55; d[511] = 0xaa;
        return d;
    }

    /// <summary>A primary at 100, an extended at 1000 whose EBRs hold logicals at +10 and at +500+10.</summary>
    private static byte[] LogicalsDisk()
    {
        var d = NewDisk();
        Slot(d, 0, 0x83, 100);
        Slot(d, 1, 0x05, 1000);
        d[1000 * 512 + 510] = 0x55; d[1000 * 512 + 511] = 0xaa;
        Slot(d, 0, 0x83, 10, at: 1000 * 512);
        Slot(d, 1, 0x05, 500, at: 1000 * 512);
        d[1500 * 512 + 510] = 0x55; d[1500 * 512 + 511] = 0xaa;
        Slot(d, 0, 0x83, 10, at: 1500 * 512);
        return d;
    }

    private static void Slot(byte[] d, int slot, byte type, uint lba, bool active = false, int at = 0)
    {
        int e = at + 446 + 16 * slot;
        d[e] = active ? (byte)0x80 : (byte)0;
        d[e + 4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(e + 8), lba);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(e + 12), 100);
    }

    private static string Crafted(string name, Action<byte[]> fill)
    {
        string path = Path.Combine(DiskCorpus.Root, $"crafted-{name}-{Guid.NewGuid():N}.img");
        var bytes = new byte[8 << 20];
        fill(bytes);
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
