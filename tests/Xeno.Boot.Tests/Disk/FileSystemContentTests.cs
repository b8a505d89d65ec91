using Xeno.Boot.Disks;
using Xeno.Boot.FileSystems;
using Xeno.Boot.FileSystems.Ext;
using Xeno.Boot.FileSystems.Fat;
using Xeno.Boot.FileSystems.Iso;
using Xeno.Boot.Partitions;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>Whole-disk filesystems built by mkfs/mtools/xorriso read back equal to their source folders.</summary>
public sealed class FileSystemContentTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "ext2", "ext2" },
        { "ext3", "ext3" },
        { "ext4", "ext4" },
        { "ext4-4k", "ext4" },
        { "ext4-64bit", "ext4" },
        { "ext4-frag", "ext4" },
        { "ext4-inline", "ext4" },
        { "ext4-metabg", "ext4" },
        { "iso-rr-relocated", "iso9660" },
        { "fat12", "vfat" },
        { "fat16", "vfat" },
        { "fat32", "vfat" },
        { "iso-rr", "iso9660" },
        { "iso-joliet", "iso9660" },
        { "iso-plain", "iso9660" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void WholeDiskFilesystemReadsBackLikeItsSource(string image, string kind)
    {
        using var file = File.OpenRead(DiskCorpus.Image(image));
        using var disk = GuestDisk.Open(file);
        Assert.Equal(PartitionScheme.None, disk.Table.Scheme);
        var fs = disk.OpenFileSystemAt(0);
        Assert.Equal(kind, fs.Kind);
        bool caseless = kind == "vfat" || image is "iso-joliet" or "iso-plain";
        int files = TreeAssert.SameAsSource(fs, DiskCorpus.SourceOf(image), caseless ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        Assert.True(files >= 4, $"only {files} files compared");
    }

    [Theory]
    [InlineData("ext2")]
    [InlineData("ext3")]
    [InlineData("ext4")]
    [InlineData("ext4-64bit")]
    [InlineData("ext4-inline")]
    [InlineData("fat12")]
    [InlineData("fat32")]
    [InlineData("iso-rr")]
    public void KindIsTheTypeBlkidReports(string image)
    {
        string path = DiskCorpus.Image(image);
        string blkid = HostTool.Run("blkid", "-p", "-o", "value", "-s", "TYPE", path).Trim();
        using var file = File.OpenRead(path);
        Assert.Equal(blkid, FileSystemProbe.Open(file).Kind);
    }

    [Theory]
    [InlineData("ext2", typeof(ExtFileSystem))]
    [InlineData("ext4-64bit", typeof(ExtFileSystem))]
    [InlineData("fat32", typeof(FatFileSystem))]
    [InlineData("iso-rr", typeof(IsoFileSystem))]
    public void ProbeNamesTheFilesystem(string image, Type expected)
    {
        using var file = File.OpenRead(DiskCorpus.Image(image));
        Assert.IsType(expected, FileSystemProbe.Open(file));
    }

    [Theory]
    [InlineData("fat12", 12)]
    [InlineData("fat16", 16)]
    [InlineData("fat32", 32)]
    public void FatWidthFollowsTheClusterCount(string image, int bits)
    {
        using var file = File.OpenRead(DiskCorpus.Image(image));
        Assert.Equal(bits, new FatFileSystem(file).BootSector.FatBits);
    }

    [Theory]
    [InlineData("iso-rr", IsoNames.RockRidge)]
    [InlineData("iso-joliet", IsoNames.Joliet)]
    [InlineData("iso-plain", IsoNames.Plain)]
    public void IsoNamingPrefersRockRidgeThenJoliet(string image, IsoNames names)
    {
        using var file = File.OpenRead(DiskCorpus.Image(image));
        Assert.Equal(names, new IsoFileSystem(file).Names);
    }

    [Theory]
    [InlineData("ext2")]
    [InlineData("ext3")]
    [InlineData("ext4")]
    [InlineData("ext4-64bit")]
    [InlineData("ext4-inline")]
    [InlineData("iso-rr")]
    public void SymbolicLinksResolveRelativeAbsoluteLongAndToDirectories(string image)
    {
        using var file = File.OpenRead(DiskCorpus.Image(image));
        var fs = FileSystemProbe.Open(file);
        string src = DiskCorpus.GuestSource;
        var kernel = File.ReadAllBytes(Path.Combine(src, "boot/vmlinuz-6.1.0-xeno"));
        Assert.Equal(kernel, TreeAssert.ReadAll(fs, "/vmlinuz"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(src, "boot/initrd.img-6.1.0-xeno")), TreeAssert.ReadAll(fs, "/initrd.img"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(src, "boot/grub/grub.cfg")), TreeAssert.ReadAll(fs, "/boot/grub-cfg-via-a-long-relative-symbolic-link"));
        Assert.True(fs.DirectoryExists("/bootdir/grub"));
        Assert.Equal(kernel, TreeAssert.ReadAll(fs, "/bootdir/../bootdir/vmlinuz-6.1.0-xeno"));
        Assert.True(fs.FileExists("/bootdir/../vmlinuz"));
        var loop = Assert.Throws<BootException>(() => fs.FileExists("/boot/loop1"));
        Assert.Contains("too many levels of symbolic links", loop.Message);
    }

    [Fact]
    public void Ext4WithAFragmentedFileUsesAnExtentTreeAndReadsIt()
    {
        string image = DiskCorpus.Image("ext4-frag");
        string stat = HostTool.Run("debugfs", "-R", "stat /big.bin", image);
        Assert.Contains("(ETB0)", stat); // the file's extents live in a tree of depth > 0
        using var file = File.OpenRead(image);
        var fs = FileSystemProbe.Open(file);
        Assert.Equal(File.ReadAllBytes(Path.Combine(DiskCorpus.FragmentedSource, "big.bin")), TreeAssert.ReadAll(fs, "/big.bin"));
    }

    [Theory]
    [InlineData("ext2")]
    [InlineData("ext4")]
    public void LargeDirectoriesAreHtreeIndexedAndFullyListed(string image)
    {
        string path = DiskCorpus.Image(image);
        Assert.Contains("Root node dump", HostTool.Run("debugfs", "-R", "htree /boot/many", path)); // the directory is hash-indexed
        using var file = File.OpenRead(path);
        var fs = FileSystemProbe.Open(file);
        Assert.Equal(SourceTree.ManyFiles, fs.ListDirectory("/boot/many").Count);
        Assert.Equal("file 299\n"u8.ToArray(), TreeAssert.ReadAll(fs, "/boot/many/entry-with-a-longish-name-0299.conf"));
    }

    [Fact]
    public void IsoDeepDirectoriesRelocatedByRockRidgeAreFoundWhereTheyBelong()
    {
        string path = DiskCorpus.Image("iso-rr-relocated");
        // Relocation really happened: the image has Rock Ridge child-link (CL) and relocated (RE) entries.
        var raw = File.ReadAllBytes(path);
        Assert.True(raw.AsSpan().IndexOf(new byte[] { (byte)'C', (byte)'L', 12, 1 }) > 0);
        Assert.True(raw.AsSpan().IndexOf(new byte[] { (byte)'R', (byte)'E', 4, 1 }) > 0);
        using var file = File.OpenRead(path);
        var fs = FileSystemProbe.Open(file);
        Assert.Equal("deep\n"u8.ToArray(), TreeAssert.ReadAll(fs, "/deep/a/b/c/d/e/f/g/h/i/leaf.txt"));
        Assert.Equal(["i"], fs.ListDirectory("/deep/a/b/c/d/e/f/g/h"));
        Assert.DoesNotContain(fs.ListDirectory("/"), n => n.Equals("RR_MOVED", StringComparison.OrdinalIgnoreCase) || n == "h");
    }

    [Fact]
    public void Ext4MetaBgDescriptorsAreFoundInTheirMetaGroups()
    {
        string path = DiskCorpus.Image("ext4-metabg");
        Assert.Contains("meta_bg", HostTool.Run("debugfs", "-R", "features", path));
        using var file = File.OpenRead(path);
        var fs = new ExtFileSystem(file);
        Assert.True(fs.Superblock.HasMetaBg);
        Assert.True(fs.Superblock.GroupCount > 32); // more groups than one 1 KiB descriptor block describes
        TreeAssert.SameAsSource(fs, DiskCorpus.GuestSource, StringComparer.Ordinal);
    }

    [Fact]
    public void Ext2ReadsFilesThroughDoubleIndirectBlocks()
    {
        using var file = File.OpenRead(DiskCorpus.Image("ext2"));
        var fs = new ExtFileSystem(file);
        Assert.Equal("ext2", fs.Kind);
        Assert.Equal(1024, fs.Superblock.BlockSize);
        // 300,000 bytes in 1 KiB blocks: beyond the 12 direct and 256 single-indirect blocks.
        Assert.Equal(SourceTree.RandomBytes(1, 300_000), TreeAssert.ReadAll(fs, SourceTree.Kernel));
    }

    [Fact]
    public void Ext4SparseFileReadsItsHoleAsZeros()
    {
        using var file = File.OpenRead(DiskCorpus.Image("ext4-4k"));
        var fs = FileSystemProbe.Open(file);
        var bytes = TreeAssert.ReadAll(fs, "/sparse.bin");
        Assert.Equal(1 << 20, bytes.Length);
        Assert.All(bytes.AsSpan(4096, (1 << 20) - 8192).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void FatLookupIgnoresCaseAndKeepsLongNames()
    {
        using var file = File.OpenRead(DiskCorpus.Image("fat16"));
        var fs = FileSystemProbe.Open(file);
        Assert.Contains("Mixed Case Long File Name.txt", fs.ListDirectory("/"));
        Assert.True(fs.FileExists("/MIXED CASE LONG FILE NAME.TXT"));
        Assert.True(fs.FileExists("/BOOT/GRUB/GRUB.CFG"));
        Assert.Empty(TreeAssert.ReadAll(fs, "/empty.txt"));
    }

    [Fact]
    public void Fat32WithMirroringOffReadsTheActiveTable()
    {
        var bytes = File.ReadAllBytes(DiskCorpus.Image("fat32"));
        var bpb = new FatFileSystem(new MemoryStream(bytes)).BootSector;
        bytes[0x28] = 0x81; // mirroring off, table 1 active
        bytes.AsSpan((int)bpb.FatOffset, (int)(bpb.SectorsPerFat * bpb.BytesPerSector)).Fill(0xFF); // table 0 destroyed
        var fs = new FatFileSystem(new MemoryStream(bytes));
        Assert.Equal(1, fs.BootSector.ActiveFat);
        TreeAssert.SameAsSource(fs, DiskCorpus.SourceOf("fat32"), StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ext4")]
    [InlineData("fat16")]
    [InlineData("iso-rr")]
    public void MissingPathsAndWrongTypesGiveClearAnswers(string image)
    {
        using var file = File.OpenRead(DiskCorpus.Image(image));
        var fs = FileSystemProbe.Open(file);
        Assert.False(fs.FileExists("/no/such/file"));
        Assert.False(fs.DirectoryExists("/boot/grub/grub.cfg"));
        Assert.False(fs.FileExists("/boot/grub/grub.cfg/below-a-file"));
        Assert.Contains("no such file", Assert.Throws<BootException>(() => fs.OpenFile("/nope")).Message);
        Assert.Contains("is a directory", Assert.Throws<BootException>(() => fs.OpenFile("/boot")).Message);
        Assert.Contains("not a directory", Assert.Throws<BootException>(() => fs.ListDirectory("/etc/hostname")).Message);
        Assert.True(fs.DirectoryExists("/"));
        Assert.True(fs.DirectoryExists("/boot/../boot/./grub/"));
    }
}
