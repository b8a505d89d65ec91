using System.Diagnostics;
using Xeno.Engine.Bench;

namespace Xeno.Network.Bench;

/// <summary>
/// The initrd of this bench: the guest kit's, with the emulated NICs' drivers (mii, 8139cp,
/// e1000 of the kit's own kernel) appended as a second cpio archive, which the kernel unpacks
/// over the first. Every variant of a run boots that same initrd, so the guests differ only in their NIC.
/// </summary>
internal static class NicDriverInitrd
{
    /// <summary>Where the appended drivers land in the guest, loaded in this order.</summary>
    public const string DriverDir = "/nicbench";
    public static readonly string[] Drivers = ["mii.ko", "8139cp.ko", "e1000.ko"];

    /// <summary>Writes the bench initrd into <paramref name="dir"/> and returns its path.</summary>
    public static string Write(GuestKit kit, string dir)
    {
        // The kit keeps its kernel's modules beside the kernel.
        var modules = Path.Combine(Path.GetDirectoryName(kit.Vmlinuz)!, "modules");
        var stage = Path.Combine(dir, "stage");
        var target = Path.Combine(stage, DriverDir.TrimStart('/'));
        Directory.CreateDirectory(target);
        foreach (var name in Drivers)
        {
            var found = Directory.GetFiles(modules, name, SearchOption.AllDirectories);
            if (found.Length != 1)
                throw new InvalidOperationException($"the guest kit's modules ({modules}) should hold one {name}, found {found.Length}");
            File.Copy(found[0], Path.Combine(target, name));
        }
        var archive = Path.Combine(dir, "drivers.cpio");
        var info = new ProcessStartInfo("cpio", ["-o", "-H", "newc", "--quiet"])
        {
            WorkingDirectory = stage, UseShellExecute = false,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using (var cpio = Process.Start(info) ?? throw new InvalidOperationException("cannot start cpio"))
        {
            var err = cpio.StandardError.ReadToEndAsync();
            using (var file = File.Create(archive))
            {
                var copy = cpio.StandardOutput.BaseStream.CopyToAsync(file);
                foreach (var entry in new[] { DriverDir.TrimStart('/') }.Concat(Drivers.Select(n => DriverDir.TrimStart('/') + "/" + n)))
                    cpio.StandardInput.Write(entry + "\n");
                cpio.StandardInput.Close();
                copy.Wait();
            }
            cpio.WaitForExit();
            if (cpio.ExitCode != 0) throw new InvalidOperationException($"cpio failed: {err.Result}");
        }
        var initrd = Path.Combine(dir, "initrd-nicbench.img");
        using (var o = File.Create(initrd))
        {
            using (var a = File.OpenRead(kit.Initrd)) a.CopyTo(o);
            // The kernel unpacks concatenated archives only from a 4-byte boundary.
            while (o.Length % 4 != 0) o.WriteByte(0);
            using (var b = File.OpenRead(archive)) b.CopyTo(o);
        }
        return initrd;
    }

    /// <summary>The guest shell command that loads the appended drivers.</summary>
    public static string LoadDrivers => string.Join(" && ", Drivers.Select(n => $"insmod {DriverDir}/{n}"));
}
