using Xeno.Boot.Disks;
using Xeno.Boot.Images;
using Xeno.Boot.Loaders;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>
/// Copies out of images on real files, where the host kernel moves the bytes (copy_file_range,
/// sendfile): every file must equal its source, whatever mix of kernel copies and buffered
/// reads (holes, compressed clusters, backing files) made it.
/// </summary>
public sealed class FileCopyTests
{
    public static TheoryData<string> RawImages => new() { "ext2", "ext4", "ext4-4k", "ext4-64bit", "ext4-frag", "ext4-inline", "iso-rr", "fat16" };

    [Theory]
    [MemberData(nameof(RawImages))]
    public void FilesCopiedOutOfARawImageEqualTheirSource(string name)
    {
        int files = CopyEveryFile(DiskCorpus.Image(name), 0, DiskCorpus.SourceOf(name), OutputFolder());
        Assert.True(files > 5, $"only {files} files compared");
    }

    public static TheoryData<string, bool> Qcow2Variants => new()
    {
        { "compat=1.1", false },
        { "compat=0.10", false },
        { "compat=1.1,cluster_size=4096", false },
        { "compat=1.1,cluster_size=2M", false },
        { "compat=1.1,cluster_size=4096", true },
    };

    [Theory]
    [MemberData(nameof(Qcow2Variants))]
    public void FilesCopiedOutOfAQcow2ImageEqualTheirSource(string options, bool compressed)
    {
        string qcow = DiskCorpus.Qcow2(DiskCorpus.Image("ext4-frag"), options, compressed);
        int files = CopyEveryFile(qcow, 0, DiskCorpus.SourceOf("ext4-frag"), OutputFolder());
        Assert.True(files > 5, $"only {files} files compared");
    }

    [Fact]
    public void FilesCopiedOutOfAPartitionBehindABackingChainEqualTheirSource()
    {
        string dir = Path.Combine(DiskCorpus.Root, $"copy-chain-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        File.Copy(DiskCorpus.Qcow2(DiskCorpus.MbrDisk, "compat=1.1,cluster_size=4096"), Path.Combine(dir, "base.qcow2"));
        HostTool.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", Path.Combine(dir, "top.qcow2"));
        using var file = File.OpenRead(Path.Combine(dir, "top.qcow2"));
        using var disk = GuestDisk.Open(file, new GuestDiskOptions { Image = new DiskImageOptions { BackingResolver = n => File.OpenRead(Path.Combine(dir, n)) } });
        var fs = disk.OpenFileSystem(disk.Partitions[0]);
        int files = CopyTree(fs, DiskCorpus.GuestSource, "/", OutputFolder());
        Assert.True(files > 5, $"only {files} files compared");
    }

    [Fact]
    public void ARawImageMapsAFileToItsBytesInTheImage()
    {
        string image = DiskCorpus.Image("ext4-4k");
        using var file = new FileStream(image, FileMode.Open, FileAccess.Read);
        using var disk = DiskImage.Open(file);
        var fs = GuestBoot.OpenFileSystemAt(disk, 0);
        using var kernel = fs.OpenFile(SourceTree.Kernel);
        var range = HostRanges.Locate(kernel, 0, kernel.Length);
        Assert.Same(file, range.File);
        Assert.InRange(range.Length, 4096, kernel.Length);
        var inImage = new byte[range.Length];
        file.Position = range.Offset;
        file.ReadExactly(inImage);
        var expected = File.ReadAllBytes(Path.Combine(DiskCorpus.GuestSource, SourceTree.Kernel.TrimStart('/')));
        Assert.True(expected.AsSpan(0, (int)range.Length).SequenceEqual(inImage));
    }

    [Fact]
    public void CompressedClustersAndMemoryStreamsAreNotMapped()
    {
        using var file = File.OpenRead(DiskCorpus.Qcow2(DiskCorpus.Image("ext4-4k"), "compat=1.1,cluster_size=4096", compressed: true));
        using var disk = DiskImage.Open(file);
        var fs = GuestBoot.OpenFileSystemAt(disk, 0);
        // qemu-img stores a cluster compressed only when that makes it smaller: text does, the random kernel does not.
        using var config = fs.OpenFile("/boot/grub/grub.cfg");
        Assert.Null(HostRanges.Locate(config, 0, config.Length).File);
        using var kernel = fs.OpenFile(SourceTree.Kernel);
        Assert.NotNull(HostRanges.Locate(kernel, 0, kernel.Length).File);

        using var memory = DiskImage.Open(new MemoryStream(File.ReadAllBytes(DiskCorpus.Image("ext4-4k"))));
        using var kernelInMemory = GuestBoot.OpenFileSystemAt(memory, 0).OpenFile(SourceTree.Kernel);
        Assert.Null(HostRanges.Locate(kernelInMemory, 0, kernelInMemory.Length).File);
    }

    [Fact]
    public void AHoleIsUnmappedAndCopiesAsZeros()
    {
        using var file = File.OpenRead(DiskCorpus.Image("ext4-4k"));
        using var disk = DiskImage.Open(file);
        var fs = GuestBoot.OpenFileSystemAt(disk, 0);
        using var sparse = fs.OpenFile("/sparse.bin");
        Assert.NotNull(HostRanges.Locate(sparse, 0, sparse.Length).File);
        var hole = HostRanges.Locate(sparse, 8192, sparse.Length - 8192);
        Assert.Null(hole.File);
        Assert.InRange(hole.Length, 4096, sparse.Length - 8192 - 4096);
    }

    [Fact]
    public void ACopyIntoAnotherFilesystemEqualsTheSource()
    {
        // /dev/shm is a tmpfs: copy_file_range refuses to cross filesystems (EXDEV) and sendfile does the work.
        const string Shm = "/dev/shm";
        if (!Directory.Exists(Shm))
        {
            Assert.Fail($"{Shm} (a tmpfs) is missing; this test needs a second filesystem to copy into");
        }
        string output = Path.Combine(Shm, $"xeno-boot-copy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            int files = CopyEveryFile(DiskCorpus.Image("ext4-frag"), 0, DiskCorpus.SourceOf("ext4-frag"), output);
            Assert.True(files > 5, $"only {files} files compared");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void CopiesStartAtTheDestinationPositionAndLeaveItAfterTheBytes()
    {
        using var file = File.OpenRead(DiskCorpus.Image("ext4-4k"));
        using var disk = DiskImage.Open(file);
        var fs = GuestBoot.OpenFileSystemAt(disk, 0);
        string target = Path.Combine(OutputFolder(), "concatenated");
        long copied;
        using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
        {
            output.Write("HEAD"u8);
            // A multi-file ramdisk ("initrd /a /b") is the files one after the other.
            copied = BootFiles.Copy(fs, $"{SourceTree.Kernel} {SourceTree.Initrd}", output);
            Assert.Equal(4 + copied, output.Position);
            output.Write("TAIL"u8);
        }
        byte[] Source(string path) => File.ReadAllBytes(Path.Combine(DiskCorpus.GuestSource, path.TrimStart('/')));
        byte[] expected = [.. "HEAD"u8, .. Source(SourceTree.Kernel), .. Source(SourceTree.Initrd), .. "TAIL"u8];
        Assert.Equal(expected.Length - 8, copied);
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(target)));
    }

    [Fact]
    public void AnAppendOnlyDestinationFallsBackToBufferedWrites()
    {
        // copy_file_range (EBADF) and sendfile (EINVAL) both refuse O_APPEND targets.
        using var file = File.OpenRead(DiskCorpus.Image("ext4-4k"));
        using var disk = DiskImage.Open(file);
        var fs = GuestBoot.OpenFileSystemAt(disk, 0);
        string target = Path.Combine(OutputFolder(), "appended");
        File.WriteAllBytes(target, "HEAD"u8.ToArray());
        using (var output = new FileStream(target, FileMode.Append, FileAccess.Write))
        {
            BootFiles.Copy(fs, SourceTree.Initrd, output);
        }
        byte[] expected = [.. "HEAD"u8, .. File.ReadAllBytes(Path.Combine(DiskCorpus.GuestSource, SourceTree.Initrd.TrimStart('/')))];
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(target)));
    }

    [Fact]
    public void TheImageStreamStillReadsCorrectlyAfterKernelCopies()
    {
        using var file = new FileStream(DiskCorpus.Image("ext4"), FileMode.Open, FileAccess.Read);
        using var disk = DiskImage.Open(file);
        var fs = GuestBoot.OpenFileSystemAt(disk, 0);
        using (var output = new FileStream(Path.Combine(OutputFolder(), "kernel"), FileMode.CreateNew, FileAccess.Write))
        {
            BootFiles.Copy(fs, SourceTree.Kernel, output);
        }
        // The copy exposed the image's file handle; ordinary reads through the stream must not be disturbed.
        Assert.True(TreeAssert.SameAsSource(fs, DiskCorpus.GuestSource, StringComparer.Ordinal) > 5);
    }

    /// <summary>Opens <paramref name="image"/> from its file and copies every regular file of the filesystem at <paramref name="offset"/>.</summary>
    private static int CopyEveryFile(string image, long offset, string source, string output)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.Read);
        using var disk = DiskImage.Open(file);
        return CopyTree(GuestBoot.OpenFileSystemAt(disk, offset), source, "/", output);
    }

    private static int CopyTree(IGuestFileSystem fs, string hostDir, string guestDir, string output)
    {
        int files = 0;
        foreach (var host in Directory.GetFileSystemEntries(hostDir))
        {
            string name = Path.GetFileName(host);
            string guest = guestDir == "/" ? "/" + name : guestDir + "/" + name;
            if (new FileInfo(host).LinkTarget is not null || !fs.FileExists(guest) && !fs.DirectoryExists(guest))
            {
                continue; // links are followed elsewhere; FAT and ISO may spell some names differently
            }
            if (Directory.Exists(host))
            {
                files += CopyTree(fs, host, guest, output);
                continue;
            }
            string target = Path.Combine(output, $"{files}-{name}");
            using (var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
            {
                long copied = BootFiles.Copy(fs, guest, stream);
                Assert.Equal(stream.Length, copied);
            }
            var expected = File.ReadAllBytes(host);
            var actual = File.ReadAllBytes(target);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{guest}: copy differs from the source ({actual.Length} vs {expected.Length} bytes)");
            File.Delete(target);
            files++;
        }
        return files;
    }

    private static string OutputFolder()
    {
        string dir = Path.Combine(DiskCorpus.Root, $"copy-out-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
