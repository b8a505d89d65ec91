using System.Buffers.Binary;
using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

public class PartitionOrderTests
{
    private static byte[] Disk(int sectors = 4096)
    {
        var d = new byte[sectors * 512];
        d[510] = 0x55; d[511] = 0xaa;
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

    [Fact]
    public void No_signature_means_whole_disk() => Assert.Equal([0L], PartitionOrder.Offsets(new MemoryStream(new byte[4096])));

    [Fact]
    public void Signature_without_partitions_means_whole_disk() => Assert.Equal([0L], PartitionOrder.Offsets(new MemoryStream(Disk())));

    [Fact]
    public void Primaries_in_order_with_the_active_one_first_and_swap_skipped()
    {
        var d = Disk();
        Slot(d, 0, 0x83, 2048);
        Slot(d, 1, 0x82, 3000); // Linux swap shares Solaris' id: no VTOC → skipped
        Slot(d, 2, 0x83, 3500, active: true);
        Assert.Equal([3500L * 512, 2048L * 512], PartitionOrder.Offsets(new MemoryStream(d)));
    }

    [Fact]
    public void Logical_partitions_follow_the_primaries()
    {
        var d = Disk();
        Slot(d, 0, 0x83, 100);
        Slot(d, 1, 0x05, 1000);
        // EBR at 1000: logical at +10, next EBR at extended+500; that one's logical at +10.
        d[1000 * 512 + 510] = 0x55; d[1000 * 512 + 511] = 0xaa;
        Slot(d, 0, 0x83, 10, at: 1000 * 512);
        Slot(d, 1, 0x05, 500, at: 1000 * 512);
        d[1500 * 512 + 510] = 0x55; d[1500 * 512 + 511] = 0xaa;
        Slot(d, 0, 0x83, 10, at: 1500 * 512);
        Assert.Equal([100L * 512, 1000L * 512, 1010L * 512, 1510L * 512], PartitionOrder.Offsets(new MemoryStream(d)));
    }

    [Fact]
    public void Logical_chain_loops_end()
    {
        var d = Disk();
        Slot(d, 0, 0x0f, 1000);
        d[1000 * 512 + 510] = 0x55; d[1000 * 512 + 511] = 0xaa;
        Slot(d, 0, 0x83, 10, at: 1000 * 512);
        Slot(d, 1, 0x05, 0x0, at: 1000 * 512);
        d[1000 * 512 + 462 + 4] = 0x05;
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(1000 * 512 + 462 + 8), 0); // next = 0 ends
        Assert.Equal([1000L * 512, 1010L * 512], PartitionOrder.Offsets(new MemoryStream(d)));
    }

    [Fact]
    public void Gpt_partitions_from_the_entry_array()
    {
        var d = Disk();
        Slot(d, 0, 0xee, 1);
        "EFI PART"u8.CopyTo(d.AsSpan(512));
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(512 + 72), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(512 + 80), 128);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(512 + 84), 128);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(1024 + 32), 2048);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(1024 + 128 * 2 + 32), 3000);
        Assert.Equal([2048L * 512, 3000L * 512], PartitionOrder.Offsets(new MemoryStream(d)));
    }

    [Fact]
    public void Hybrid_iso_tries_offset_zero_first()
    {
        var d = Disk(80);
        "CD001"u8.CopyTo(d.AsSpan(0x8001));
        Slot(d, 0, 0x00, 64);
        Assert.Equal([0L, 64L * 512], PartitionOrder.Offsets(new MemoryStream(d)));
    }
}
