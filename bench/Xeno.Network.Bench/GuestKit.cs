using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Network.Bench;

/// <summary>
/// The test guests of scripts/guest-kit/build (cached by content hash under .cache/), and an
/// initrd for this bench: the kit's, with the emulated NICs' drivers (mii, 8139cp, e1000 of the
/// kit's own kernel) appended as a second cpio archive, which the kernel unpacks over the first.
/// Every variant of a run boots that same initrd, so the guests differ only in their NIC.
/// </summary>
internal sealed record GuestKit(string Vmlinuz, string Initrd, string Modules)
{
    /// <summary>Where the appended drivers land in the guest, loaded in this order.</summary>
    public const string DriverDir = "/nicbench";
    public static readonly string[] Drivers = ["mii.ko", "8139cp.ko", "e1000.ko"];

    public static string RepoRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "../.."));

    public static GuestKit Build()
    {
        var script = Path.Combine(RepoRoot(), "scripts/guest-kit/build");
        var p = Process.Start(new ProcessStartInfo(script) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed");
        var kit = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2))
            .Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
        var vmlinuz = kit["vmlinuz"];
        return new GuestKit(vmlinuz, kit["initrd"], Path.Combine(Path.GetDirectoryName(vmlinuz)!, "modules"));
    }

    /// <summary>Writes the bench initrd into <paramref name="dir"/> and returns its path.</summary>
    public string InitrdWithNicDrivers(string dir)
    {
        var stage = Path.Combine(dir, "stage");
        var target = Path.Combine(stage, DriverDir.TrimStart('/'));
        Directory.CreateDirectory(target);
        foreach (var name in Drivers)
        {
            var found = Directory.GetFiles(Modules, name, SearchOption.AllDirectories);
            if (found.Length != 1)
                throw new InvalidOperationException($"the guest kit's modules ({Modules}) should hold one {name}, found {found.Length}");
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
            using (var a = File.OpenRead(Initrd)) a.CopyTo(o);
            // The kernel unpacks concatenated archives only from a 4-byte boundary.
            while (o.Length % 4 != 0) o.WriteByte(0);
            using (var b = File.OpenRead(archive)) b.CopyTo(o);
        }
        return initrd;
    }

    /// <summary>The guest shell command that loads the appended drivers.</summary>
    public static string LoadDrivers => string.Join(" && ", Drivers.Select(n => $"insmod {DriverDir}/{n}"));
}
