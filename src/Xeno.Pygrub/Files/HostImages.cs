using Xeno.Boot.Images;
using Xeno.Boot.Loaders;

namespace Xeno.Pygrub.Files;

/// <summary>The thin file layer: opens a disk image file on the host (raw or qcow2 with backing files).</summary>
internal static class HostImages
{
    public static GuestImage Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        try
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
            var options = new DiskImageOptions
            {
                Name = path,
                // qemu resolves a relative backing file name against the image's folder.
                BackingResolver = name => new FileStream(Path.Combine(folder, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite),
            };
            var disk = DiskImage.Open(file, options);
            return new GuestImage(disk, offset => GuestBoot.OpenFileSystemAt(disk, offset), new Owner(disk, file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>PYGRUB_MAX_FILE_SIZE_MB, pygrub's limit on extracted files (128 MiB when unset or invalid).</summary>
    public static long MaxFileBytes(string? megabytes) =>
        megabytes is not null && PythonInt.TryParse(megabytes, out var mb) && mb > 0 && mb < (1L << 43)
            ? mb << 20
            : BootFiles.DefaultMaxBytes;

    private sealed class Owner(Stream disk, Stream file) : IDisposable
    {
        public void Dispose()
        {
            disk.Dispose();
            file.Dispose();
        }
    }
}
