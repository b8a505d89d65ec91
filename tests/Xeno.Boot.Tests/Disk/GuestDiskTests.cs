using Xeno.Boot.Disks;
using Xeno.Boot.Partitions;

namespace Xeno.Boot.Tests.Disk;

/// <summary>The disk entry point on degenerate inputs: every outcome is a value or a clear BootException.</summary>
public sealed class GuestDiskTests
{
    [Fact]
    public void EmptyImageHasNoTableAndNoFilesystem()
    {
        using var disk = GuestDisk.Open(new MemoryStream());
        Assert.Equal(PartitionScheme.None, disk.Table.Scheme);
        Assert.Equal([0L], disk.PygrubOffsets());
        Assert.Equal("offset 0 lies outside the 0-byte disk", Assert.Throws<BootException>(() => disk.OpenFileSystemAt(0)).Message);
    }

    [Fact]
    public void ZeroedDiskSaysSo()
    {
        using var disk = GuestDisk.Open(new MemoryStream(new byte[1 << 20]));
        Assert.Empty(disk.Partitions);
        var e = Assert.Throws<BootException>(() => disk.FileSystems());
        Assert.Equal("offset 0: no filesystem: the first 65792 bytes are all zeros", e.Message);
    }

    [Fact]
    public void OffsetsOutsideTheDiskAreRefused()
    {
        using var disk = GuestDisk.Open(new MemoryStream(new byte[4096]));
        Assert.Contains("outside", Assert.Throws<BootException>(() => disk.OpenFileSystemAt(-512)).Message);
        Assert.Contains("outside", Assert.Throws<BootException>(() => disk.OpenFileSystemAt(4096)).Message);
    }

    [Fact]
    public void StreamsHandedOutAreReadOnly()
    {
        using var disk = GuestDisk.Open(new MemoryStream(new byte[4096]));
        Assert.False(disk.Disk.CanWrite);
        Assert.Throws<NotSupportedException>(() => disk.Disk.Write(new byte[1]));
        Assert.Throws<NotSupportedException>(() => disk.Disk.SetLength(0));
    }

    [Fact]
    public void CallerKeepsOwnershipOfTheImageStream()
    {
        var image = new MemoryStream(new byte[4096]);
        GuestDisk.Open(image).Dispose();
        Assert.True(image.CanRead);
    }
}
