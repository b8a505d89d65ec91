using System.Buffers.Binary;
using System.Diagnostics;
using Xeno.Boot.Disks;
using Xeno.Boot.FileSystems;
using Xeno.Boot.Images;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>Crafted damage of the kinds the issue names ends in a clear error, quickly.</summary>
public sealed class HostileImageTests
{
    [Theory]
    [InlineData("ext4", SourceTree.Kernel)]   // leaf extent start
    [InlineData("ext4-frag", "/big.bin")]    // index entry of a depth-1 tree
    public void ExtentPointingOutsideTheFilesystemIsNamed(string image, string file)
    {
        string path = Damaged(image, "sif " + file + " block[5] 0x7fffffff");
        using var stream = File.OpenRead(path);
        var fs = FileSystemProbe.Open(stream);
        var e = Assert.Throws<BootException>(() => TreeAssert.ReadAll(fs, file));
        Assert.Contains("outside the filesystem", e.Message);
        Assert.Contains("inode", e.Message);
    }

    [Fact]
    public void IndirectBlockPointingOutsideTheFilesystemIsNamed()
    {
        string path = Damaged("ext2", "sif " + SourceTree.Kernel + " block[IND] 0x7fffffff");
        using var stream = File.OpenRead(path);
        var fs = FileSystemProbe.Open(stream);
        Assert.Contains("outside the filesystem", Assert.Throws<BootException>(() => TreeAssert.ReadAll(fs, SourceTree.Kernel)).Message);
    }

    [Fact]
    public void DirectoryClaimingAHugeSizeIsRefused()
    {
        string path = Damaged("ext4", "sif /boot size 0x1000000000");
        using var stream = File.OpenRead(path);
        var fs = FileSystemProbe.Open(stream);
        Assert.Contains("over the", Assert.Throws<BootException>(() => fs.ListDirectory("/boot")).Message);
    }

    [Fact]
    public void FileClaimingAHugeSizeReportsItAndReadsLazily()
    {
        string path = Damaged("ext4", "sif /etc/hostname size 0x10000000000");
        using var stream = File.OpenRead(path);
        var fs = FileSystemProbe.Open(stream);
        using var file = fs.OpenFile("/etc/hostname");
        Assert.Equal(1L << 40, file.Length);
        var head = new byte[6];
        file.ReadExactly(head);
        Assert.Equal("guest\n"u8.ToArray(), head);
        // Far beyond the mapped blocks the file is a hole: zeros, no huge allocation.
        file.Seek(-16, SeekOrigin.End);
        var tail = new byte[16];
        file.ReadExactly(tail);
        Assert.All(tail, b => Assert.Equal(0, b));
    }

    [Fact]
    public void DirectoryHardLinkLoopKeepsPathResolutionBounded()
    {
        string path = Damaged("ext4", "link /boot /boot/grub/up");
        using var stream = File.OpenRead(path);
        var fs = FileSystemProbe.Open(stream);
        string deep = "/boot" + string.Concat(Enumerable.Repeat("/grub/up", 200)) + "/grub/grub.cfg";
        var clock = Stopwatch.StartNew();
        Assert.True(fs.FileExists(deep));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60)); // hang guard on a shared machine
        Assert.Contains("longer than 4096", Assert.Throws<BootException>(() => fs.FileExists(string.Concat(Enumerable.Repeat("/boot/grub/up", 400)))).Message);
    }

    [Fact]
    public void TruncatedImageFailsClearlyWhereDataIsMissing()
    {
        var bytes = File.ReadAllBytes(DiskCorpus.Image("ext4-4k"));
        // Cut the image in the middle of the kernel.
        long kernelStart = FindBytes(bytes, SourceTree.RandomBytes(1, 64));
        Assert.True(kernelStart > 0);
        var cut = bytes.AsSpan(0, (int)kernelStart + 10_000).ToArray();
        var truncated = FileSystemProbe.Open(new MemoryStream(cut));
        var e = Assert.Throws<BootException>(() => TreeAssert.ReadAll(truncated, SourceTree.Kernel));
        Assert.Contains("outside the", e.Message);
    }

    [Fact]
    public void Qcow2TablesPointingOutsideTheImageAreNamed()
    {
        var bytes = File.ReadAllBytes(DiskCorpus.Qcow2(DiskCorpus.Image("ext2"), "compat=1.1"));
        long l1 = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(40));
        // First L1 entry to an L2 table far beyond the end of the file.
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan((int)l1), 0x8000_00FF_FFFF_0000UL);
        using var disk = DiskImage.Open(new MemoryStream(bytes));
        var e = Assert.Throws<BootException>(() => disk.ReadExactly(new byte[512]));
        Assert.Contains("L2 table", e.Message);

        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(40), 0x0000_7FFF_FFFF_0000UL);
        Assert.Contains("L1 table", Assert.Throws<BootException>(() => DiskImage.Open(new MemoryStream(bytes))).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedQcow2FailsClearlyWhereClustersAreMissing(bool compressed)
    {
        var bytes = File.ReadAllBytes(DiskCorpus.Qcow2(DiskCorpus.Image("ext2"), "compat=1.1", compressed));
        var cut = bytes.AsSpan(0, bytes.Length / 2).ToArray();
        using var disk = DiskImage.Open(new MemoryStream(cut));
        var e = Assert.Throws<BootException>(() =>
        {
            var buffer = new byte[1 << 20];
            while (disk.Read(buffer) > 0)
            {
            }
        });
        Assert.Contains("qcow2", e.Message);
    }

    [Fact]
    public void FatDirectoryWhoseClusterChainLoopsIsRefused()
    {
        var bytes = File.ReadAllBytes(DiskCorpus.Image("fat16"));
        var fs = new Xeno.Boot.FileSystems.Fat.FatFileSystem(new MemoryStream(bytes));
        var bpb = fs.BootSector;
        // Make every FAT16 entry point to itself: any chain longer than one cluster loops.
        for (long c = 2; c < bpb.ClusterCount + 2; c++)
        {
            long at = bpb.FatOffset + 2 * c;
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)at), (ushort)c);
        }
        var looped = FileSystemProbe.Open(new MemoryStream(bytes));
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<BootException>(() => looped.ListDirectory("/boot/many"));
        Assert.Contains("loop", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60)); // hang guard on a shared machine
    }

    [Theory]
    [InlineData(0, new byte[] { 0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE, 0, 1 }, "LUKS")]
    [InlineData(0, new byte[] { 0x58, 0x46, 0x53, 0x42 }, "xfs")]
    [InlineData(0x10040, new byte[] { 0x5F, 0x42, 0x48, 0x52, 0x66, 0x53, 0x5F, 0x4D }, "btrfs")]
    [InlineData(0x218, new byte[] { 0x4C, 0x56, 0x4D, 0x32, 0x20, 0x30, 0x30, 0x31 }, "LVM2")]
    [InlineData(3, new byte[] { 0x4E, 0x54, 0x46, 0x53, 0x20, 0x20, 0x20, 0x20 }, "ntfs")]
    [InlineData(0x10034, new byte[] { 0x52, 0x65, 0x49, 0x73, 0x45, 0x72, 0x32, 0x46, 0x73 }, "reiserfs")]
    [InlineData(0, new byte[] { 0x68, 0x73, 0x71, 0x73 }, "squashfs")]
    public void UnsupportedFilesystemsAreNamed(int offset, byte[] magic, string name)
    {
        var bytes = new byte[1 << 20];
        magic.CopyTo(bytes, offset);
        var e = Assert.Throws<BootException>(() => FileSystemProbe.Identify(new MemoryStream(bytes)));
        Assert.Contains("unsupported filesystem: found " + name, e.Message);
    }

    [Fact]
    public void StrayExtMagicInsideAFatDoesNotMakeItExt()
    {
        var bytes = File.ReadAllBytes(DiskCorpus.Image("fat16"));
        Assert.True(BitConverter.ToUInt32(bytes, 1024 + 0x18) > 6); // allocation-table data where ext keeps its block size
        bytes[1024 + 0x38] = 0x53;
        bytes[1024 + 0x39] = 0xEF;
        Assert.Equal(FileSystemType.Fat, FileSystemProbe.Identify(new MemoryStream(bytes)));
    }

    [Fact]
    public void SwapMadeByMkswapIsNamed()
    {
        using var file = File.OpenRead(DiskCorpus.Image("part-swap"));
        Assert.Equal("unsupported filesystem: found Linux swap", Assert.Throws<BootException>(() => FileSystemProbe.Identify(file)).Message);
    }

    [Fact]
    public void UnknownDataIsDescribed()
    {
        var bytes = SourceTree.RandomBytes(7, 70_000);
        bytes[510] = 0;
        Assert.StartsWith("no filesystem: unknown contents (first bytes ", Assert.Throws<BootException>(() => FileSystemProbe.Identify(new MemoryStream(bytes))).Message);
        Assert.Equal("no filesystem: the first 4096 bytes are all zeros", Assert.Throws<BootException>(() => FileSystemProbe.Identify(new MemoryStream(new byte[4096]))).Message);
    }

    private static string Damaged(string image, string debugfsCommand)
    {
        string path = Path.Combine(DiskCorpus.Root, $"damaged-{Guid.NewGuid():N}.img");
        File.Copy(DiskCorpus.Image(image), path);
        HostTool.Run("debugfs", "-w", "-R", debugfsCommand, path);
        return path;
    }

    private static long FindBytes(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
