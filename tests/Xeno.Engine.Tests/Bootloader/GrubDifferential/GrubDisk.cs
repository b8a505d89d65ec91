using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;

namespace Xeno.Engine.Tests.Bootloader.GrubDifferential;

/// <summary>Where the filesystem holding GRUB's config lives on the disk.</summary>
public enum GrubDiskLayout
{
    /// <summary>No partition table: the filesystem is the whole disk (GRUB runs from a second, GRUB-only disk).</summary>
    Bare,
    /// <summary>MBR, one primary partition; core.img in the gap after the MBR.</summary>
    Mbr,
    /// <summary>GPT with a BIOS boot partition (core.img) and the root partition.</summary>
    Gpt,
    /// <summary>MBR, an extended partition holding the filesystem as logical partition 5.</summary>
    Logical,
    /// <summary>MBR, a /boot partition (config at /grub/grub.cfg) and a root partition after it.</summary>
    SeparateBoot,
}

/// <summary>A disk built for a GRUB case: the image xeno-pygrub reads, and what QEMU boots.</summary>
public sealed record BuiltGrubDisk(string Image, string? GrubOnlyDisk)
{
    /// <summary>QEMU drives in BIOS order.</summary>
    public IReadOnlyList<string> Drives => GrubOnlyDisk is null ? [Image] : [GrubOnlyDisk, Image];
}

/// <summary>
/// Builds guest disks without mounting (mke2fs -d, sfdisk on the file) and installs Debian's
/// GRUB 2 on them the way grub-bios-setup lays it out: boot.img's code in sector 0, core.img
/// (grub-mkimage, the prefix naming the config's partition) after the MBR or in the BIOS boot
/// partition, GRUB's modules in the filesystem's grub folder as grub-install copies them.
/// </summary>
public static class GrubDisk
{
    public const string GrubDir = "/usr/lib/grub/i386-pc";
    private const int Sector = 512;

    /// <summary>
    /// Builds <paramref name="image"/>. <paramref name="bootFiles"/> are the files of the
    /// filesystem holding /boot (paths as the running system sees them: with SeparateBoot the
    /// "/boot" prefix is removed, the /boot partition being mounted there).
    /// </summary>
    public static BuiltGrubDisk Build(string image, GrubDiskLayout layout, IReadOnlyDictionary<string, byte[]> bootFiles,
        bool installGrub, bool ext2 = false)
    {
        var work = image + ".work";
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        try
        {
            var grubFolder = layout == GrubDiskLayout.SeparateBoot ? "/grub" : "/boot/grub";
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (path, bytes) in bootFiles)
                files[layout == GrubDiskLayout.SeparateBoot && path.StartsWith("/boot/", StringComparison.Ordinal) ? path[5..] : path] = bytes;
            long bootBytes = files.Values.Sum(b => (long)b.Length);
            var bootTree = Path.Combine(work, "boot-fs");
            WriteTree(bootTree, files);
            if (installGrub) CopyModules(Path.Combine(bootTree, grubFolder.TrimStart('/'), "i386-pc"));
            int bootMiB = (int)(bootBytes / (1 << 20)) + (installGrub ? 12 : 8);
            var bootFs = MakeFs(Path.Combine(work, "boot.fs"), bootTree, bootMiB, ext2);

            string? grubOnly = null;
            string prefixDevice;
            long coreSector = 1;
            switch (layout)
            {
                case GrubDiskLayout.Bare:
                    File.Copy(bootFs, image, overwrite: true);
                    prefixDevice = "hd1";
                    if (installGrub)
                    {
                        grubOnly = image + ".grub";
                        using (var f = new FileStream(grubOnly, FileMode.Create)) f.SetLength(1 << 20);
                    }
                    break;
                case GrubDiskLayout.Mbr:
                    Partition(image, bootMiB + 2, "label: dos\nstart=2048, type=83, bootable\n");
                    WriteAt(image, bootFs, PartitionStart(image, 1));
                    prefixDevice = "hd0,msdos1";
                    break;
                case GrubDiskLayout.Gpt:
                    Partition(image, bootMiB + 3,
                        "label: gpt\nstart=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649\n" +
                        "start=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n");
                    WriteAt(image, bootFs, PartitionStart(image, 2));
                    prefixDevice = "hd0,gpt2";
                    coreSector = 2048;
                    break;
                case GrubDiskLayout.Logical:
                    Partition(image, bootMiB + 3, "label: dos\nstart=2048, type=5\nstart=4096, type=83\n");
                    WriteAt(image, bootFs, PartitionStart(image, 5));
                    prefixDevice = "hd0,msdos5";
                    break;
                case GrubDiskLayout.SeparateBoot:
                {
                    var rootTree = Path.Combine(work, "root-fs");
                    WriteTree(rootTree, new Dictionary<string, byte[]>
                    {
                        ["/etc/fstab"] = "LABEL=boot /boot ext4 defaults 0 2\n"u8.ToArray(),
                        ["/etc/hostname"] = "grub-case\n"u8.ToArray(),
                    });
                    var rootFs = MakeFs(Path.Combine(work, "root.fs"), rootTree, 4, ext2);
                    long bootSectors = (long)bootMiB << 11;
                    Partition(image, bootMiB + 7,
                        $"label: dos\nstart=2048, size={bootSectors}, type=83, bootable\nstart={2048 + bootSectors}, type=83\n");
                    WriteAt(image, bootFs, PartitionStart(image, 1));
                    WriteAt(image, rootFs, PartitionStart(image, 2));
                    prefixDevice = "hd0,msdos1";
                    break;
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(layout));
            }
            if (installGrub)
                InstallGrub(grubOnly ?? image, $"({prefixDevice}){grubFolder}", coreSector, work, keepPartitionTable: grubOnly is null);
            return new BuiltGrubDisk(image, grubOnly);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// boot.img and core.img as grub-bios-setup writes them. core.img's own config turns the
    /// serial console on (the test reads GRUB's errors there) and a zero timeout for configs
    /// that set none (GRUB would otherwise wait at the menu forever).
    /// </summary>
    private static void InstallGrub(string disk, string prefix, long coreSector, string work, bool keepPartitionTable)
    {
        var embedded = Path.Combine(work, "embedded.cfg");
        File.WriteAllText(embedded, "serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\nset timeout=0\n");
        var core = Path.Combine(work, "core.img");
        Tool("grub-mkimage", "-O", "i386-pc", "-d", GrubDir, "-o", core, "-p", prefix, "-c", embedded,
            "biosdisk", "part_msdos", "part_gpt", "ext2", "serial", "terminal");
        var coreBytes = File.ReadAllBytes(core);
        var boot = File.ReadAllBytes(Path.Combine(GrubDir, "boot.img"));
        // boot.img's kernel_sector (0x5c) names core.img's first sector; diskboot's block
        // list (0x1f4 in core.img) the sector after it. grub-mkimage assumes sector 1.
        BinaryPrimitives.WriteInt64LittleEndian(boot.AsSpan(0x5c), coreSector);
        BinaryPrimitives.WriteInt64LittleEndian(coreBytes.AsSpan(0x1f4), coreSector + 1);
        using var f = new FileStream(disk, FileMode.Open, FileAccess.ReadWrite);
        f.Position = 0;
        f.Write(boot, 0, keepPartitionTable ? 440 : boot.Length);
        if (coreSector == 1 && coreBytes.Length > (2048 - 1) * Sector)
            throw new InvalidOperationException($"core.img ({coreBytes.Length} bytes) does not fit before the first partition");
        f.Position = coreSector * Sector;
        f.Write(coreBytes);
    }

    private static void CopyModules(string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(GrubDir))
            if (file.EndsWith(".mod", StringComparison.Ordinal) || file.EndsWith(".lst", StringComparison.Ordinal))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    private static void WriteTree(string root, IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(root);
        foreach (var (path, bytes) in files)
        {
            var host = Path.Combine(root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            File.WriteAllBytes(host, bytes);
        }
    }

    private static string MakeFs(string image, string tree, int megabytes, bool ext2)
    {
        Tool("mke2fs", "-q", "-F", "-t", ext2 ? "ext2" : "ext4", "-L", "boot", "-d", tree, image, megabytes + "M");
        return image;
    }

    private static void Partition(string image, int megabytes, string script)
    {
        using (var f = new FileStream(image, FileMode.Create)) f.SetLength((long)megabytes << 20);
        Run("sfdisk", script, "-q", "--no-reread", "--no-tell-kernel", image);
    }

    /// <summary>A partition's start in bytes, as sfdisk itself reads the table back.</summary>
    public static long PartitionStart(string image, int number)
    {
        using var doc = JsonDocument.Parse(Run("sfdisk", null, "--json", image));
        foreach (var p in doc.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray())
            if (p.GetProperty("node").GetString() is var node && (node == image + number || node == image + "p" + number))
                return p.GetProperty("start").GetInt64() * Sector;
        throw new InvalidOperationException($"sfdisk lists no partition {number} on {image}");
    }

    private static void WriteAt(string disk, string part, long offset)
    {
        using var source = File.OpenRead(part);
        using var target = new FileStream(disk, FileMode.Open, FileAccess.Write);
        target.Position = offset;
        source.CopyTo(target);
    }

    /// <summary>Runs a tool; <paramref name="stdin"/> (if any) is its input. Returns stdout; a failure fails the test.</summary>
    internal static string Run(string tool, string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is needed by this test and could not be run ({e.Message}); " +
                                                "install grub-pc-bin, grub-common, e2fsprogs, fdisk and qemu-system-x86", e);
        }
        using (p)
        {
            var err = p.StandardError.ReadToEndAsync();
            var outText = p.StandardOutput.ReadToEndAsync();
            if (stdin is not null)
            {
                p.StandardInput.Write(stdin);
                p.StandardInput.Close();
            }
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}");
            return outText.Result;
        }
    }

    private static string Tool(string tool, params string[] args) => Run(tool, null, args);
}
