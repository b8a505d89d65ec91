namespace Xeno.Boot.Bench;

/// <summary>
/// Builds the benchmark disks with the real tools, once per run: a guest disk with an MBR and one
/// ext4 partition at 1 MiB holding a kernel, an initrd and a grub.cfg (raw and qcow2), and a
/// 20 GiB sparse disk with a deep directory tree and a 10,000-file /boot.
/// </summary>
internal sealed class BenchImages(BenchOptions options)
{
    public const string KernelPath = "/boot/vmlinuz-6.1.0-xeno-amd64";
    public const string InitrdPath = "/boot/initrd.img-6.1.0-xeno-amd64";
    public const string GrubPath = "/boot/grub/grub.cfg";
    private const long MiB = 1 << 20;

    private string? _bootRaw;
    private string? _bootQcow2;
    private string? _huge;

    public long BootDiskBytes => (options.Quick ? 128 : 1024) * MiB;
    public int KernelBytes => 8 * (int)MiB;
    public int InitrdBytes => (options.Quick ? 8 : 32) * (int)MiB;
    public int HugeBootFiles => options.Quick ? 1000 : 10_000;
    public int HugeDepth => options.Quick ? 16 : 64;
    public long HugeDiskBytes => (options.Quick ? 2L : 20L) * 1024 * MiB;

    /// <summary>The guest disk as a raw file.</summary>
    public string BootDiskRaw => _bootRaw ??= BuildBootDisk();

    /// <summary>The same guest disk converted to qcow2 (v3, 64 KiB clusters, uncompressed).</summary>
    public string BootDiskQcow2 => _bootQcow2 ??= Convert(BootDiskRaw);

    /// <summary>The big sparse disk with many files.</summary>
    public string HugeDisk => _huge ??= BuildHugeDisk();

    /// <summary>The host folder the guest disk's filesystem was made from (its files are the expected bytes).</summary>
    public string BootSource => Path.Combine(options.WorkDirectory, "boot-src");

    /// <summary>The host folder the big disk's filesystem was made from.</summary>
    public string HugeSource => Path.Combine(options.WorkDirectory, "huge-src");

    private string BuildBootDisk()
    {
        string src = Folder(BootSource);
        WriteRandom(Path.Combine(src, KernelPath.TrimStart('/')), KernelBytes, 1);
        WriteRandom(Path.Combine(src, InitrdPath.TrimStart('/')), InitrdBytes, 2);
        WriteText(Path.Combine(src, GrubPath.TrimStart('/')), $"set default=0\nmenuentry 'Debian' {{\n  linux {KernelPath} root=/dev/xvda1 ro console=hvc0\n  initrd {InitrdPath}\n}}\n");
        string disk = Path.Combine(options.WorkDirectory, "boot.raw");
        Partitioned(disk, BootDiskBytes, src);
        return disk;
    }

    private string BuildHugeDisk()
    {
        string src = Folder(HugeSource);
        WriteRandom(Path.Combine(src, KernelPath.TrimStart('/')), KernelBytes, 1);
        WriteRandom(Path.Combine(src, InitrdPath.TrimStart('/')), InitrdBytes, 2);
        WriteText(Path.Combine(src, GrubPath.TrimStart('/')), $"menuentry 'Debian' {{\n  linux {KernelPath}\n  initrd {InitrdPath}\n}}\n");
        for (int i = 0; i < HugeBootFiles; i++)
        {
            WriteText(Path.Combine(src, "boot", $"module-{i:D5}.conf"), $"option {i}\n");
        }
        string deep = src;
        for (int d = 0; d < HugeDepth; d++)
        {
            deep = Path.Combine(deep, $"level{d}");
        }
        WriteText(Path.Combine(deep, "leaf.txt"), "deep\n");
        string disk = Path.Combine(options.WorkDirectory, "huge.raw");
        Partitioned(disk, HugeDiskBytes, src);
        return disk;
    }

    /// <summary>A sparse disk with an MBR and one ext4 partition from 1 MiB to the end, filled from <paramref name="source"/>.</summary>
    private static void Partitioned(string disk, long size, string source)
    {
        using (var f = new FileStream(disk, FileMode.Create))
        {
            f.SetLength(size);
        }
        HostTool.Run("sfdisk", "label: dos\nstart=2048, type=83, bootable\n", "-q", disk);
        long fsBytes = size - MiB;
        HostTool.Run("mkfs.ext4", null, "-q", "-F", "-E", $"offset={MiB}", "-d", source, disk, $"{fsBytes / 1024}k");
    }

    private string Convert(string raw)
    {
        string qcow = Path.ChangeExtension(raw, ".qcow2");
        HostTool.Run("qemu-img", null, "convert", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1", raw, qcow);
        return qcow;
    }

    private static string Folder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        Directory.CreateDirectory(path);
        return path;
    }

    private static void WriteRandom(string path, int size, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    private static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
