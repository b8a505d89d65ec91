using Xeno.Boot.Disks;
using Xeno.Boot.Partitions;

namespace Xeno.Boot.Tests.Disk;

/// <summary>Reads everything a bootloader might touch on a disk: table, filesystems, bounded tree walk, file heads and tails.</summary>
internal static class DiskExerciser
{
    private const int MaxDepth = 8;
    private const int MaxEntriesPerDirectory = 64;
    private const int MaxNodes = 400;
    private const int HeadBytes = 64 << 10;
    private static readonly string[] Probes = ["/boot/grub/grub.cfg", "/vmlinuz", "/abs", "/boot/loop1", "/boot/../boot/./grub/../many"];

    /// <summary>Files read, directories listed, and operations refused with a BootException.</summary>
    public readonly record struct Result(int Files, int Directories, int Refusals);

    [ThreadStatic]
    private static int _refusals;

    /// <summary>Walks the disk; BootExceptions from single operations are swallowed (they are the expected outcome), others escape.</summary>
    public static Result Run(byte[] image)
    {
        int files = 0, directories = 0, nodes = 0;
        _refusals = 0;
        using var disk = GuestDisk.Open(new MemoryStream(image, writable: false));
        _ = disk.PygrubOffsets();
        _ = disk.PygrubOffsets(PygrubOrderOptions.Intended);
        var filesystems = new List<IGuestFileSystem>();
        if (disk.Partitions.Count == 0)
        {
            Try(() => filesystems.Add(disk.OpenFileSystemAt(0)));
        }
        foreach (var partition in disk.Partitions)
        {
            Try(() => filesystems.Add(disk.OpenFileSystem(partition)));
        }
        foreach (var fs in filesystems)
        {
            foreach (var probe in Probes)
            {
                Try(() =>
                {
                    if (fs.FileExists(probe))
                    {
                        ReadFile(fs, probe);
                    }
                    _ = fs.DirectoryExists(probe);
                });
            }
            Walk(fs, "/", 0, ref files, ref directories, ref nodes);
        }
        return new Result(files, directories, _refusals);
    }

    private static void Walk(IGuestFileSystem fs, string path, int depth, ref int files, ref int directories, ref int nodes)
    {
        IReadOnlyList<string> names;
        try
        {
            names = fs.ListDirectory(path);
        }
        catch (BootException)
        {
            _refusals++;
            return;
        }
        directories++;
        foreach (var name in names.Take(MaxEntriesPerDirectory))
        {
            if (++nodes > MaxNodes)
            {
                return;
            }
            string child = path == "/" ? "/" + name : path + "/" + name;
            try
            {
                if (fs.FileExists(child))
                {
                    ReadFile(fs, child);
                    files++;
                }
                else if (depth < MaxDepth && fs.DirectoryExists(child))
                {
                    Walk(fs, child, depth + 1, ref files, ref directories, ref nodes);
                }
            }
            catch (BootException)
            {
                _refusals++;
            }
        }
    }

    private static void ReadFile(IGuestFileSystem fs, string path)
    {
        using var stream = fs.OpenFile(path);
        var buffer = new byte[HeadBytes];
        int n = stream.Read(buffer);
        if (n < 0 || n > Math.Min(stream.Length, HeadBytes))
        {
            throw new InvalidOperationException($"{path}: read returned {n} for a {stream.Length}-byte file");
        }
        if (stream.Length > HeadBytes)
        {
            stream.Seek(-4096, SeekOrigin.End);
            stream.ReadExactly(buffer.AsSpan(0, 4096));
        }
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (BootException)
        {
            _refusals++;
        }
    }
}
