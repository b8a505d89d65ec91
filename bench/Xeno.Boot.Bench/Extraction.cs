using Xeno.Boot.Disks;
using Xeno.Boot.Images;

namespace Xeno.Boot.Bench;

/// <summary>
/// What xenod does for bootloader="pygrub", in process: open the disk, find the partition
/// holding the boot config, read it, and copy kernel and initrd into an output folder.
/// </summary>
internal static class Extraction
{
    /// <param name="outputDirectory">Folder for boot_kernel/boot_ramdisk; null reads the files into memory only.</param>
    public static long Run(string image, string? outputDirectory, string kernel, string initrd, string config)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        using var disk = GuestDisk.Open(file, new GuestDiskOptions { Image = new DiskImageOptions { Name = image } });
        foreach (var (_, fs) in disk.FileSystems())
        {
            if (!fs.FileExists(config))
            {
                continue;
            }
            using (var cfg = fs.OpenFile(config))
            {
                cfg.CopyTo(Stream.Null);
            }
            return Copy(fs, kernel, outputDirectory is null ? null : Path.Combine(outputDirectory, "boot_kernel"))
                + Copy(fs, initrd, outputDirectory is null ? null : Path.Combine(outputDirectory, "boot_ramdisk"));
        }
        throw new InvalidOperationException($"{image}: no filesystem holds {config}");
    }

    /// <summary>Everything but the data copy: open, find and read the config, open kernel and initrd; returns their total length.</summary>
    public static long Locate(string image, string kernel, string initrd, string config)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        using var disk = GuestDisk.Open(file);
        foreach (var (_, fs) in disk.FileSystems())
        {
            if (fs.FileExists(config))
            {
                using var cfg = fs.OpenFile(config);
                cfg.CopyTo(Stream.Null);
                using var k = fs.OpenFile(kernel);
                using var i = fs.OpenFile(initrd);
                return k.Length + i.Length;
            }
        }
        throw new InvalidOperationException($"{image}: no filesystem holds {config}");
    }

    private static long Copy(IGuestFileSystem fs, string path, string? target)
    {
        using var source = fs.OpenFile(path);
        if (target is null)
        {
            var memory = new byte[source.Length];
            source.ReadExactly(memory);
            return memory.Length;
        }
        using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        output.SetLength(source.Length);
        source.CopyTo(output, 1 << 20);
        return output.Length;
    }
}
