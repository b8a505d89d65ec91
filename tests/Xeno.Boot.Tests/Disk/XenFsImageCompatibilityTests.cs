using System.Security.Cryptography;
using Xeno.Boot.Disks;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>
/// Every path Xen's libxenfsimage (what Xen's pygrub reads guest files with) finds, we find with
/// the same bytes, on every corpus image. Where Xen is wrong, the difference is listed in
/// <see cref="XenIsWrong"/> with the reason, and the test checks that it really occurs.
/// </summary>
public sealed class XenFsImageCompatibilityTests
{
    public static TheoryData<string> Images => new()
    {
        "ext2", "ext3", "ext4", "ext4-4k", "ext4-64bit", "ext4-frag", "ext4-inline", "ext4-metabg",
        "fat12", "fat16", "fat32", "iso-rr", "iso-joliet", "iso-plain", "mbr", "gpt",
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void FilesReadLikeXensFsimage(string name)
    {
        string path = name switch { "mbr" => DiskCorpus.MbrDisk, "gpt" => DiskCorpus.GptDisk, _ => DiskCorpus.Image(name) };
        using var file = File.OpenRead(path);
        using var disk = GuestDisk.Open(file);
        var offsets = disk.Partitions.Count == 0 ? [0L] : disk.FileSystems().Select(f => f.Partition!.Offset).ToList();
        foreach (long offset in offsets)
        {
            var fs = disk.OpenFileSystemAt(offset);
            var sources = name is "mbr" or "gpt" ? [DiskCorpus.GuestSource, DiskCorpus.PlainSource] : new[] { DiskCorpus.SourceOf(name) };
            bool iso = name.StartsWith("iso", StringComparison.Ordinal);
            var paths = sources.SelectMany(src => Paths(src, upperCaseToo: iso)).Distinct().ToList();
            var xen = XenFsImageOracle.Read(path, offset, paths);
            var ours = paths.ToDictionary(p => p, p => Hash(fs, p));
            foreach (var p in paths)
            {
                string? reason = XenIsWrong(name, path, offset, p, fs);
                if (reason is null)
                {
                    Assert.True(xen[p] == ours[p], $"{name} at {offset}: {p}: xen {xen[p] ?? "missing"}, ours {ours[p] ?? "missing"}");
                }
                else
                {
                    // We read the file as its source has it (checked by FileSystemContentTests); Xen does not.
                    Assert.True(xen[p] != ours[p], $"{name}: {p} was expected to differ in Xen because {reason}, but it matches");
                    Assert.NotNull(ours[p]);
                }
            }
            Assert.Contains(paths, p => xen[p] is not null);
        }
    }

    /// <summary>Why Xen 4.17's libxenfsimage gets <paramref name="p"/> wrong on this image, or null when it gets it right.</summary>
    private static string? XenIsWrong(string name, string image, long offset, string p, IGuestFileSystem fs)
    {
        try
        {
            if (!fs.FileExists(p))
            {
                return null;
            }
        }
        catch (BootException)
        {
            return null; // a symlink loop: neither finds a file
        }
        if (p.Contains(' ') && (fs.Kind is "vfat" or "iso9660"))
        {
            return "its FAT and ISO9660 readers stop a path at the first space";
        }
        if (name == "iso-rr" && (p.StartsWith("/bootdir/", StringComparison.Ordinal) || p is "/vmlinuz" or "/initrd.img" or "/boot/grub-cfg-via-a-long-relative-symbolic-link"))
        {
            return "its ISO9660 reader does not follow Rock Ridge symbolic links";
        }
        if (name == "iso-joliet" && !IsUpperCase83(p))
        {
            return "it ignores Joliet names and sees only the 8.3 upper-case ISO9660 names";
        }
        if (name == "iso-plain" && p != p.ToUpperInvariant())
        {
            return "it matches plain ISO9660 names case-sensitively (upper case only), where Linux and we ignore case";
        }
        if (name == "ext4-inline" && OpenLength(fs, p) < 60 && HostTool.Run("debugfs", "-R", $"stat \"{p}\"", image).Contains("Size of inline data"))
        {
            return "it returns the whole 60-byte inline area, zero padded, for inline-data files shorter than 60 bytes";
        }
        _ = offset;
        return null;
    }

    private static long OpenLength(IGuestFileSystem fs, string p)
    {
        using var stream = fs.OpenFile(p);
        return stream.Length;
    }

    private static bool IsUpperCase83(string p) => p.Split('/', StringSplitOptions.RemoveEmptyEntries).All(part =>
    {
        var pieces = part.Split('.');
        return pieces.Length <= 2 && pieces[0].Length is > 0 and <= 8 && (pieces.Length == 1 || pieces[1].Length <= 3)
            && part.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.');
    });

    private static IEnumerable<string> Paths(string source, bool upperCaseToo)
    {
        // Upper-case spellings too on ISO9660: what Xen sees on volumes without Rock Ridge.
        foreach (var path in SourcePaths(source))
        {
            yield return path;
            if (upperCaseToo)
            {
                yield return path.ToUpperInvariant();
            }
        }
    }

    private static IEnumerable<string> SourcePaths(string source)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = "/" + Path.GetRelativePath(source, file).Replace('\\', '/');
            if (new FileInfo(file).LinkTarget is null && !relative.Contains("/many/", StringComparison.Ordinal))
            {
                yield return relative;
            }
        }
        yield return "/vmlinuz";
        yield return "/initrd.img";
        yield return "/boot/grub-cfg-via-a-long-relative-symbolic-link";
        yield return "/boot/loop1";
        yield return "/boot/many/entry-with-a-longish-name-0150.conf";
        yield return "/boot/grub/grub.cfg";
        yield return "/boot/grub/menu.lst";
        yield return "/boot/vmlinuz";
        yield return "/no/such/file";
        yield return "/boot/grub/nothing.cfg";
    }

    private static string? Hash(IGuestFileSystem fs, string path)
    {
        try
        {
            if (!fs.FileExists(path))
            {
                return null;
            }
            using var stream = fs.OpenFile(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (BootException)
        {
            return null;
        }
    }
}
