using Xeno.Boot.Images;
using Xeno.Boot.Loaders;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>
/// Differential fuzzing of kernel copies: mutated images on disk, each file copied once into a
/// file (kernel copies where the bytes map to the image) and once into memory (plain reads).
/// Both must give the same bytes, or both a <see cref="BootException"/>.
/// XENO_LONG_FUZZ=1 runs 20 times as many iterations.
/// </summary>
public sealed class FileCopyFuzzTests
{
    private static readonly int Scale = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 20 : 1;

    public static TheoryData<string, int, int> Seeds => new()
    {
        // name, iterations, size of the mutated metadata window at the start
        { "small-ext4", 250, 96 << 10 },
        { "small-ext2", 150, 64 << 10 },
        { "qcow2", 250, 32 << 10 },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void KernelAndBufferedCopiesAgreeOnMutatedImages(string name, int iterations, int hotWindow)
    {
        string seedPath = name == "qcow2"
            ? DiskCorpus.Qcow2(DiskCorpus.Image("small-ext4"), "compat=1.1,cluster_size=4096")
            : DiskCorpus.Image(name);
        var bytes = File.ReadAllBytes(seedPath);
        var paths = FilesOf(bytes);
        Assert.True(paths.Count > 10, $"the seed image lists only {paths.Count} files");
        string dir = Path.Combine(DiskCorpus.Root, $"copy-fuzz-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string image = Path.Combine(dir, "image");
        string output = Path.Combine(dir, "out");
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) ^ 0xC0FE);
        int same = 0, refused = 0;
        for (int i = 0; i < iterations * Scale; i++)
        {
            var mutated = (byte[])bytes.Clone();
            int count = random.Next(1, 6);
            for (int m = 0; m < count; m++)
            {
                int at = random.Next(Math.Min(hotWindow, mutated.Length));
                mutated[at] = random.Next(3) == 0 ? (byte)(mutated[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
            }
            File.WriteAllBytes(image, mutated);
            string path = paths[random.Next(paths.Count)];
            var viaMemory = Copy(() => new MemoryStream(mutated, writable: false), path, () => new MemoryStream());
            var viaFile = Copy(() => File.OpenRead(image), path, () => new FileStream(output, FileMode.Create, FileAccess.Write));
            string where = $"{name} iteration {i}, {path}";
            Assert.True(viaMemory.Error == viaFile.Error, $"{where}: buffered copy {(viaMemory.Error ? "refused" : "succeeded")}, kernel copy {(viaFile.Error ? "refused" : "succeeded")}");
            if (viaFile.Error)
            {
                refused++;
                continue;
            }
            byte[] written = File.ReadAllBytes(output);
            Assert.True(viaMemory.Bytes!.AsSpan().SequenceEqual(written), $"{where}: {written.Length} bytes through the kernel differ from {viaMemory.Bytes!.Length} read");
            same++;
        }
        Assert.True(same > 0, $"{name}: no mutated image copied at all ({refused} refused)");
        Directory.Delete(dir, recursive: true);
    }

    private static (bool Error, byte[]? Bytes) Copy(Func<Stream> openImage, string path, Func<Stream> openOutput)
    {
        using var file = openImage();
        using var output = openOutput();
        try
        {
            using var disk = DiskImage.Open(file);
            BootFiles.Copy(GuestBoot.OpenFileSystemAt(disk, 0), path, output);
            return (false, output is MemoryStream memory ? memory.ToArray() : null);
        }
        catch (BootException)
        {
            return (true, null);
        }
    }

    /// <summary>The regular files of the seed image (walked to a small depth).</summary>
    private static List<string> FilesOf(byte[] image)
    {
        using var disk = DiskImage.Open(new MemoryStream(image, writable: false));
        var fs = GuestBoot.OpenFileSystemAt(disk, 0);
        var files = new List<string>();
        void Walk(string dir, int depth)
        {
            foreach (var name in fs.ListDirectory(dir))
            {
                string child = dir == "/" ? "/" + name : dir + "/" + name;
                try
                {
                    if (fs.FileExists(child)) files.Add(child);
                    else if (depth < 4 && fs.DirectoryExists(child)) Walk(child, depth + 1);
                }
                catch (BootException)
                {
                    // The seed's symbolic link loop: nothing to copy there.
                }
            }
        }
        Walk("/", 0);
        return files;
    }
}
