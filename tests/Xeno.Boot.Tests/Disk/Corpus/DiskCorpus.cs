using System.Collections.Concurrent;

namespace Xeno.Boot.Tests.Disk.Corpus;

/// <summary>
/// Builds disk images with the real tools on first use (once per test run, in a private temp
/// folder removed at exit) and hands out their paths. Nothing is checked in.
/// </summary>
internal static class DiskCorpus
{
    private const long MiB = 1 << 20;
    private static readonly Lazy<string> RootFolder = new(CreateRoot);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Built = new();

    public static string Root => RootFolder.Value;

    /// <summary>Source folder of the guest tree with symlinks (what ext and Rock Ridge images hold).</summary>
    public static string GuestSource => Get("src-guest", p => { Directory.CreateDirectory(p); SourceTree.BuildGuest(p, symlinks: true); });

    /// <summary>The guest tree without symlinks (what FAT and Joliet images hold).</summary>
    public static string GuestSourceNoLinks => Get("src-guest-nolinks", p => { Directory.CreateDirectory(p); SourceTree.BuildGuest(p, symlinks: false); });

    public static string SmallSource => Get("src-small", p => { Directory.CreateDirectory(p); SourceTree.BuildSmall(p, symlinks: true); });

    public static string SmallSourceNoLinks => Get("src-small-nolinks", p => { Directory.CreateDirectory(p); SourceTree.BuildSmall(p, symlinks: false); });

    public static string PlainSource => Get("src-plain", p => { Directory.CreateDirectory(p); SourceTree.BuildPlain(p); });

    /// <summary>The guest tree plus a 6 MB file that a 1 KiB-block, 1 MiB-group ext4 must split into more than four extents.</summary>
    public static string FragmentedSource => Get("src-frag", p =>
    {
        Directory.CreateDirectory(p);
        SourceTree.BuildGuest(p, symlinks: true);
        File.WriteAllBytes(Path.Combine(p, "big.bin"), SourceTree.RandomBytes(9, 6_000_000));
    });

    /// <summary>Whole-disk filesystem images by name: ext2, ext3, ext4, ext4-4k, ext4-64bit, ext4-frag, ext4-inline, ext4-metabg, fat12, fat16, fat32, iso-rr, iso-rr-relocated, iso-joliet, iso-plain.</summary>
    public static string Image(string name) => Get(name + ".img", path => BuildImage(name, path));

    /// <summary>Source folder an image was built from.</summary>
    public static string SourceOf(string name) => name switch
    {
        "ext4-frag" => FragmentedSource,
        "iso-plain" => PlainSource,
        _ when name.StartsWith("fat", StringComparison.Ordinal) || name == "iso-joliet" => GuestSourceNoLinks,
        _ => GuestSource,
    };

    /// <summary>20 MiB MBR disk: p1 ext2 (guest tree), p2 FAT16 (plain, active), p3 extended with p5 ext4 (plain) and p6 swap.</summary>
    public static string MbrDisk => Get("mbr.img", path =>
    {
        CreateSized(path, 20 * MiB);
        HostTool.RunWithInput("sfdisk", """
            label: dos
            start=2048, size=12288, type=83
            start=14336, size=8192, type=6, bootable
            start=22528, size=18432, type=5
            start=24576, size=8192, type=83
            start=34816, size=4096, type=82
            """, "-q", path);
        Place(path, 2048, Image("part-ext2-guest"));
        Place(path, 14336, Image("part-fat16-plain"));
        Place(path, 24576, Image("part-ext4-plain"));
        Place(path, 34816, Image("part-swap"));
    });

    /// <summary>20 MiB GPT disk: p1 BIOS boot (empty), p2 ext4 guest tree ("root", legacy-bootable), p3 FAT16 plain tree.</summary>
    public static string GptDisk => Get("gpt.img", path =>
    {
        CreateSized(path, 20 * MiB);
        HostTool.Run("sgdisk", "-n", "1:2048:+1M", "-t", "1:ef02", "-c", "1:bios",
            "-n", "2:4096:+8M", "-t", "2:8300", "-c", "2:root", "-A", "2:set:2",
            "-n", "3:20480:+4M", "-t", "3:0700", "-c", "3:data", path);
        Place(path, 4096, Image("part-ext4-guest"));
        Place(path, 20480, Image("part-fat16-plain"));
    });

    /// <summary>3 MiB MBR disk for fuzzing: p1 small ext2, p2 extended holding p5 small FAT12.</summary>
    public static string SmallMbrDisk => Get("small-mbr.img", path =>
    {
        CreateSized(path, 3 * MiB);
        HostTool.RunWithInput("sfdisk", """
            label: dos
            start=64, size=2048, type=83, bootable
            start=2112, size=4032, type=5
            start=2176, size=2048, type=1
            """, "-q", path);
        Place(path, 64, Image("small-ext2"));
        Place(path, 2176, Image("small-fat12"));
    });

    /// <summary>4 MiB GPT disk for fuzzing: p1 small ext4, p2 small FAT12.</summary>
    public static string SmallGptDisk => Get("small-gpt.img", path =>
    {
        CreateSized(path, 4 * MiB);
        HostTool.Run("sgdisk", "-a", "64", "-n", "1:64:+2M", "-t", "1:8300", "-n", "2:4160:+1M", "-t", "2:0700", path);
        Place(path, 64, Image("small-ext4"));
        Place(path, 4160, Image("small-fat12"));
    });

    /// <summary>A hybrid ISO: the plain-tree ISO with Rock Ridge, plus an appended FAT partition in its MBR (as xorriso makes for EFI).</summary>
    public static string HybridIso => Get("hybrid.iso", path =>
        HostTool.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-append_partition", "2", "0xef", Image("part-fat16-plain"), "-o", path, PlainSource));

    /// <summary>A qcow2 conversion of <paramref name="raw"/>: options such as "compat=0.10", "compat=1.1", plus compression.</summary>
    public static string Qcow2(string raw, string options, bool compressed = false) =>
        Get($"{Path.GetFileName(raw)}.{options.Replace(',', '_').Replace('=', '-')}{(compressed ? ".c" : "")}.qcow2", path =>
        {
            var args = new List<string> { "convert", "-f", "raw", "-O", "qcow2", "-o", options };
            if (compressed)
            {
                args.Add("-c");
            }
            args.AddRange([raw, path]);
            HostTool.Run("qemu-img", [.. args]);
        });

    private static void BuildImage(string name, string path)
    {
        string src = SourceOf(name);
        switch (name)
        {
            case "ext2": Ext(path, "mkfs.ext2", src, 8, "-b", "1024"); break;
            case "ext3": Ext(path, "mkfs.ext3", src, 8, "-b", "1024"); break;
            case "ext4": Ext(path, "mkfs.ext4", src, 8, "-b", "1024"); break;
            case "ext4-4k": Ext(path, "mkfs.ext4", src, 12, "-b", "4096"); break;
            case "ext4-64bit": Ext(path, "mkfs.ext4", src, 12, "-b", "4096", "-O", "64bit,flex_bg,^has_journal,metadata_csum"); break;
            case "ext4-frag": Ext(path, "mkfs.ext4", src, 16, "-b", "1024", "-g", "1024", "-O", "^flex_bg,^resize_inode"); break;
            case "ext4-inline": Ext(path, "mkfs.ext4", src, 8, "-b", "1024", "-O", "inline_data"); break;
            case "ext4-metabg": Ext(path, "mkfs.ext4", src, 16, "-b", "1024", "-g", "256", "-O", "meta_bg,^resize_inode,^flex_bg"); break;
            case "part-ext2-guest": Ext(path, "mkfs.ext2", GuestSource, 6, "-b", "1024"); break;
            case "part-ext4-guest": Ext(path, "mkfs.ext4", GuestSource, 8, "-b", "1024"); break;
            case "part-ext4-plain": Ext(path, "mkfs.ext4", PlainSource, 4, "-b", "1024"); break;
            case "fat12": Fat(path, src, 12, 4, "2"); break;
            case "fat16": Fat(path, src, 16, 8, "1"); break;
            case "fat32": Fat(path, src, 32, 40, "1"); break;
            case "part-fat16-plain": Fat(path, PlainSource, 16, 4, "1"); break;
            case "small-ext2": Ext(path, "mkfs.ext2", SmallSource, 1, "-b", "1024", "-N", "64"); break;
            case "small-ext4": Ext(path, "mkfs.ext4", SmallSource, 2, "-b", "1024", "-N", "64", "-O", "^has_journal"); break;
            case "small-ext4-64bit": Ext(path, "mkfs.ext4", SmallSource, 2, "-b", "4096", "-N", "64", "-O", "64bit,^has_journal,inline_data"); break;
            case "small-fat12": Fat(path, SmallSourceNoLinks, 12, 1, "1"); break;
            case "small-iso": HostTool.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-o", path, SmallSource); break;
            case "part-swap":
                CreateSized(path, 2 * MiB);
                HostTool.Run("mkswap", "-q", path);
                break;
            case "iso-rr": HostTool.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-o", path, src); break;
            case "iso-rr-relocated": HostTool.Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-rr_reloc_dir", "RR_MOVED", "-o", path, src); break;
            case "iso-joliet": HostTool.Run("xorriso", "-as", "mkisofs", "-quiet", "--norock", "-J", "-o", path, src); break;
            case "iso-plain": HostTool.Run("xorriso", "-as", "mkisofs", "-quiet", "--norock", "-o", path, src); break;
            default: throw new ArgumentException($"no corpus image named {name}");
        }
    }

    private static void Ext(string path, string mkfs, string src, int mib, params string[] options)
    {
        HostTool.Run(mkfs, ["-q", "-F", .. options, "-d", src, path, $"{mib}M"]);
        // Index large directories as htree, as a long-lived guest filesystem would have them.
        HostTool.RunAllowing([0, 1], "e2fsck", "-fyD", path);
    }

    private static void Fat(string path, string src, int bits, int mib, string sectorsPerCluster)
    {
        HostTool.Run("mkfs.vfat", "-F", bits.ToString(), "-s", sectorsPerCluster, "-C", path, (mib * 1024).ToString());
        var entries = Directory.GetFileSystemEntries(src);
        HostTool.Run("mcopy", ["-s", "-i", path, .. entries, "::/"]);
    }

    private static void CreateSized(string path, long size)
    {
        using var f = new FileStream(path, FileMode.Create);
        f.SetLength(size);
    }

    /// <summary>Copies a filesystem image into a disk at a sector (what dd conv=notrunc seek=N does).</summary>
    private static void Place(string disk, long sector, string image)
    {
        using var target = new FileStream(disk, FileMode.Open, FileAccess.Write);
        using var source = File.OpenRead(image);
        target.Position = sector * 512;
        source.CopyTo(target);
    }

    private static string Get(string name, Action<string> build) =>
        Built.GetOrAdd(name, n => new Lazy<string>(() =>
        {
            string path = Path.Combine(Root, n);
            build(path);
            return path;
        })).Value;

    private static string CreateRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), $"xeno-bootdisk-corpus-{Environment.ProcessId}");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    }
}
