using Xeno.Boot.Images;
using Xeno.Boot.Loaders;

namespace Xeno.Boot.Bench;

/// <summary>
/// What xenod does for bootloader="pygrub", in process: <see cref="GuestBoot.Open"/> on the image
/// file (image format, partition table, filesystems, boot config, entry choice), then
/// <see cref="GuestBoot.ExtractKernel"/> and <see cref="GuestBoot.ExtractRamdisk"/> into new files.
/// </summary>
internal static class Extraction
{
    private const string KernelFile = "boot_kernel";
    private const string RamdiskFile = "boot_ramdisk";

    /// <summary>One warm buffer for the "to memory" rows, so they measure the copy and not page faults.</summary>
    private static readonly MemoryStream Memory = new(64 << 20);

    /// <summary>Extracts kernel and ramdisk into <paramref name="outputDirectory"/> (null: into memory); returns the bytes copied.</summary>
    public static long Run(string image, string? outputDirectory)
    {
        using var file = OpenImage(image);
        using var boot = GuestBoot.Open(file, new BootRequest(), new DiskImageOptions { Name = image });
        if (outputDirectory is null)
        {
            Memory.SetLength(0);
            return boot.ExtractKernel(Memory) + boot.ExtractRamdisk(Memory);
        }
        using var kernel = CreateOutput(Path.Combine(outputDirectory, KernelFile));
        using var ramdisk = CreateOutput(Path.Combine(outputDirectory, RamdiskFile));
        return boot.ExtractKernel(kernel) + boot.ExtractRamdisk(ramdisk);
    }

    /// <summary>Everything but the data copy: <see cref="GuestBoot.Open"/>; returns the chosen kernel's path length (to use the result).</summary>
    public static long Locate(string image)
    {
        using var file = OpenImage(image);
        using var boot = GuestBoot.Open(file, new BootRequest(), new DiskImageOptions { Name = image });
        return boot.Choice.Kernel.Length;
    }

    /// <summary>Removes what <see cref="Run"/> wrote (outside the timed calls: pygrub's files are new each time).</summary>
    public static void Clean(string outputDirectory)
    {
        File.Delete(Path.Combine(outputDirectory, KernelFile));
        File.Delete(Path.Combine(outputDirectory, RamdiskFile));
    }

    /// <summary>The same bytes copied by the host kernel from the host files the image was made from: what `cp` costs here.</summary>
    public static long HostCopy(string sourceFolder, string outputDirectory)
    {
        string kernel = Path.Combine(sourceFolder, BenchImages.KernelPath.TrimStart('/'));
        string initrd = Path.Combine(sourceFolder, BenchImages.InitrdPath.TrimStart('/'));
        File.Copy(kernel, Path.Combine(outputDirectory, KernelFile));
        File.Copy(initrd, Path.Combine(outputDirectory, RamdiskFile));
        return new FileInfo(kernel).Length + new FileInfo(initrd).Length;
    }

    private static FileStream OpenImage(string image) =>
        new(image, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);

    private static FileStream CreateOutput(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
}
