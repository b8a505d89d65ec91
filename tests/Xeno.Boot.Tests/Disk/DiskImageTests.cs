using Xeno.Boot.Disks;
using Xeno.Boot.Images;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>qcow2 images made by qemu-img read back equal to the raw disk they came from.</summary>
public sealed class DiskImageTests
{
    public static TheoryData<string, bool, int> Variants => new()
    {
        { "compat=0.10", false, 2 },
        { "compat=1.1", false, 3 },
        { "compat=1.1", true, 3 },
        { "compat=0.10", true, 2 },
        { "compat=1.1,cluster_size=4096", false, 3 },
        { "compat=1.1,cluster_size=2M", true, 3 },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Qcow2VirtualDiskEqualsTheRawDisk(string options, bool compressed, int version)
    {
        string raw = DiskCorpus.GptDisk;
        string qcow = DiskCorpus.Qcow2(raw, options, compressed);
        using var file = File.OpenRead(qcow);
        Assert.Equal(ImageFormat.Qcow2, DiskImage.Detect(file));
        using var disk = DiskImage.Open(file);
        Assert.Equal(version, ((Qcow2Stream)disk).Header.Version);
        AssertSameBytes(File.ReadAllBytes(raw), disk);
    }

    [Theory]
    [InlineData("compat=0.10", false)]
    [InlineData("compat=1.1", true)]
    public void FilesystemsInsideQcow2ReadLikeTheirSource(string options, bool compressed)
    {
        using var file = File.OpenRead(DiskCorpus.Qcow2(DiskCorpus.GptDisk, options, compressed));
        using var disk = GuestDisk.Open(file);
        Assert.Equal(ImageFormat.Qcow2, disk.Format);
        TreeAssert.SameAsSource(disk.OpenFileSystem(disk.Partitions[1]), DiskCorpus.GuestSource, StringComparer.Ordinal);
    }

    [Fact]
    public void BackingChainReadsEachClusterFromTheNewestImageThatHasIt()
    {
        string dir = Path.Combine(DiskCorpus.Root, $"chain-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string raw = DiskCorpus.Image("ext4");
        File.Copy(DiskCorpus.Qcow2(raw, "compat=1.1"), Path.Combine(dir, "base.qcow2"));
        HostTool.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", Path.Combine(dir, "mid.qcow2"));
        HostTool.Run("qemu-io", "-c", "write -P 0x5a 6M 64k", Path.Combine(dir, "mid.qcow2"));
        HostTool.Run("qemu-img", "create", "-q", "-f", "qcow2", "-o", "compat=0.10", "-b", "mid.qcow2", "-F", "qcow2", Path.Combine(dir, "top.qcow2"));
        HostTool.Run("qemu-io", "-c", "write -P 0xa5 6M 4k", "-c", "write -z 7M 64k", Path.Combine(dir, "top.qcow2"));

        var expected = File.ReadAllBytes(raw);
        expected.AsSpan(6 << 20, 64 << 10).Fill(0x5a);
        expected.AsSpan(6 << 20, 4 << 10).Fill(0xa5);
        expected.AsSpan(7 << 20, 64 << 10).Clear();

        var opened = new List<string>();
        var options = new GuestDiskOptions
        {
            Image = new DiskImageOptions
            {
                BackingResolver = name =>
                {
                    opened.Add(name);
                    return File.OpenRead(Path.Combine(dir, name));
                },
            },
        };
        using var file = File.OpenRead(Path.Combine(dir, "top.qcow2"));
        using var disk = GuestDisk.Open(file, options);
        Assert.Equal(["mid.qcow2", "base.qcow2"], opened);
        AssertSameBytes(expected, disk.Disk);
        // Also what qemu-img itself makes of the chain.
        string flattened = Path.Combine(dir, "flat.raw");
        HostTool.Run("qemu-img", "convert", "-O", "raw", Path.Combine(dir, "top.qcow2"), flattened);
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(flattened)));
    }

    [Fact]
    public void BackingFileWithoutAResolverIsRefusedByName()
    {
        string dir = Path.Combine(DiskCorpus.Root, $"nores-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        HostTool.Run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "somewhere/base.img", "-F", "raw", Path.Combine(dir, "o.qcow2"), "1M");
        using var file = File.OpenRead(Path.Combine(dir, "o.qcow2"));
        var e = Assert.Throws<BootException>(() => DiskImage.Open(file));
        Assert.Contains("backing file 'somewhere/base.img'", e.Message);
        var missing = new DiskImageOptions { BackingResolver = name => File.OpenRead(Path.Combine(dir, name)) };
        e = Assert.Throws<BootException>(() => DiskImage.Open(file, missing));
        Assert.Contains("cannot open backing file 'somewhere/base.img'", e.Message);
    }

    [Fact]
    public void BackingLoopEndsInAClearError()
    {
        string dir = Path.Combine(DiskCorpus.Root, $"loop-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        HostTool.Run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "b.qcow2", "-F", "qcow2", Path.Combine(dir, "a.qcow2"), "1M");
        HostTool.Run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "a.qcow2", "-F", "qcow2", Path.Combine(dir, "b.qcow2"), "1M");
        int opens = 0;
        var options = new DiskImageOptions
        {
            BackingResolver = name =>
            {
                opens++;
                return File.OpenRead(Path.Combine(dir, name));
            },
        };
        using var file = File.OpenRead(Path.Combine(dir, "a.qcow2"));
        var e = Assert.Throws<BootException>(() => DiskImage.Open(file, options));
        Assert.Contains("backing chain is deeper than 16 images (a loop?)", e.Message);
        Assert.Equal(16, opens);
    }

    [Fact]
    public void ZstdCompressedQcow2IsRefusedWithAClearMessage()
    {
        string path = Path.Combine(DiskCorpus.Root, $"zstd-{Guid.NewGuid():N}.qcow2");
        HostTool.Run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-c", "-o", "compression_type=zstd", DiskCorpus.Image("ext2"), path);
        using var file = File.OpenRead(path);
        var e = Assert.Throws<BootException>(() => GuestDisk.Open(file));
        Assert.Contains("zstd-compressed qcow2 images are not supported", e.Message);
    }

    [Fact]
    public void EncryptedQcow2IsRefused()
    {
        string path = Path.Combine(DiskCorpus.Root, $"luks-{Guid.NewGuid():N}.qcow2");
        HostTool.Run("qemu-img", "create", "-q", "-f", "qcow2", "-o", "encrypt.format=luks,encrypt.key-secret=sec0",
            "--object", "secret,id=sec0,data=xeno", path, "1M");
        using var file = File.OpenRead(path);
        Assert.Contains("encrypted qcow2 images (LUKS) are not supported", Assert.Throws<BootException>(() => DiskImage.Open(file)).Message);
    }

    [Theory]
    [InlineData("vmdk")]
    [InlineData("vhdx")]
    public void OtherContainerFormatsAreNamed(string format)
    {
        string path = Path.Combine(DiskCorpus.Root, $"other-{Guid.NewGuid():N}.{format}");
        HostTool.Run("qemu-img", "convert", "-f", "raw", "-O", format, DiskCorpus.Image("ext2"), path);
        using var file = File.OpenRead(path);
        Assert.Contains($"{format} images are not supported", Assert.Throws<BootException>(() => GuestDisk.Open(file)).Message);
    }

    [Fact]
    public void RawImageIsItsOwnVirtualDisk()
    {
        string raw = DiskCorpus.Image("fat12");
        using var file = File.OpenRead(raw);
        using var disk = GuestDisk.Open(file);
        Assert.Equal(ImageFormat.Raw, disk.Format);
        AssertSameBytes(File.ReadAllBytes(raw), disk.Disk);
    }

    internal static void AssertSameBytes(byte[] expected, Stream actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var buffer = new byte[1 << 20];
        // Odd-sized reads at odd offsets cross cluster and table boundaries.
        int[] sizes = [1 << 20, 4096 + 17, 65536 * 3 + 1];
        long pos = 0;
        for (int i = 0; pos < expected.Length; i++)
        {
            int size = (int)Math.Min(sizes[i % sizes.Length], expected.Length - pos);
            actual.Position = pos;
            actual.ReadExactly(buffer.AsSpan(0, size));
            if (!expected.AsSpan((int)pos, size).SequenceEqual(buffer.AsSpan(0, size)))
            {
                Assert.Fail($"virtual disk differs in the {size} bytes at offset {pos}");
            }
            pos += size;
        }
        Assert.Equal(0, actual.Read(buffer));
    }
}
