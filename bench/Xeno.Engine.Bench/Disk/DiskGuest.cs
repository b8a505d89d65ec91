using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Engine.Bench.Disk;

/// <summary>
/// The disk benchmark's guest: the kit's kernel with the kit's initramfs and, appended to it, a
/// second archive holding this folder's init (replaces the kit's), diskio (diskio.c, built static
/// with the host's gcc) and the IDE/SCSI disk modules from the kit's kernel, which the kit's own
/// initramfs leaves out. The kernel unpacks concatenated archives in order, later files winning.
/// </summary>
internal static class DiskGuest
{
    /// <summary>Loaded by the init in this order (each after what it depends on).</summary>
    private static readonly string[] Modules =
    [
        "scsi_common", "scsi_mod", "libata", "ata_piix", "crct10dif_common", "crct10dif_generic", "crc-t10dif",
        "crc64", "crc64_rocksoft_generic", "crc64-rocksoft", "t10-pi", "sd_mod",
    ];

    /// <summary>A file of this folder (found from this source file's compile-time path, as GuestKit.RepoRoot does).</summary>
    private static string Source(string file, [CallerFilePath] string self = "") => Path.Combine(Path.GetDirectoryName(self)!, file);

    /// <summary>Writes the combined initramfs under <paramref name="dir"/> and returns its path.</summary>
    public static string BuildInitrd(GuestKit kit, string dir)
    {
        var stage = Path.Combine(dir, "stage");
        Directory.CreateDirectory(Path.Combine(stage, "bin"));
        Directory.CreateDirectory(Path.Combine(stage, "lib/diskio"));
        Run("gcc", "-static", "-O2", "-o", Path.Combine(stage, "bin/diskio"), Source("diskio.c"));
        File.Copy(Source("init"), Path.Combine(stage, "init"));

        var modules = Path.Combine(Path.GetDirectoryName(kit.Vmlinuz)!, "modules", "kernel");
        var found = Directory.EnumerateFiles(modules, "*.ko", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => f);
        foreach (var m in Modules)
            File.Copy(found.TryGetValue(m, out var ko) ? ko : throw new InvalidOperationException($"the guest kit has no module {m}.ko under {modules}"),
                Path.Combine(stage, "lib/diskio", m + ".ko"));
        File.WriteAllLines(Path.Combine(stage, "lib/diskio/order"), Modules);

        var extra = Path.Combine(dir, "diskio.cpio");
        Run("sh", "-c", "cd \"$1\" && chmod 755 init && find . | cpio -o -H newc -R 0:0 --quiet > \"$2\"", "sh", stage, extra);
        var initrd = Path.Combine(dir, "initrd-diskio.img");
        using (var output = File.Create(initrd))
        {
            using (var kitInitrd = File.OpenRead(kit.Initrd))
                kitInitrd.CopyTo(output);
            // Each archive must start 4-byte aligned; the kernel skips zero padding between them.
            output.Write(new byte[(512 - output.Length % 512) % 512]);
            using var appended = File.OpenRead(extra);
            appended.CopyTo(output);
        }
        return initrd;
    }

    private static void Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"the disk bench needs '{program}' on the host ({e.Message})", e);
        }
        using (p)
        {
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
        }
    }
}
