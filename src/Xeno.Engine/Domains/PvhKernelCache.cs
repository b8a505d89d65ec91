using System.Security.Cryptography;
using Xeno.Qemu.Kernel;

namespace Xeno.Engine.Domains;

/// <summary>
/// pvh boots through the PVH entry of an ELF kernel. An ELF with the PVH note is used as is; a
/// bzImage's payload is unpacked once (Xeno.Qemu's BzImagePayload) and cached by the bzImage's
/// SHA-256 under &lt;prefix&gt;/var/lib/xeno/kernels/, so later boots start at once.
/// </summary>
internal sealed class PvhKernelCache(string directory)
{
    private readonly Lock _gate = new();

    public string Resolve(string kernel)
    {
        KernelImageInfo info;
        using (var f = File.OpenRead(kernel))
        {
            try
            {
                info = KernelImageProbe.Probe(f);
            }
            catch (KernelImageException e)
            {
                throw Refuse(kernel, e.Message);
            }
        }
        if (info.Format == KernelImageFormat.Elf)
            return info.HasPvhEntry ? kernel : throw Refuse(kernel, "the ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");

        var bytes = File.ReadAllBytes(kernel);
        var cached = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(bytes)) + ".elf");
        lock (_gate)
        {
            if (File.Exists(cached))
                return cached;
            byte[] elf;
            try
            {
                elf = BzImagePayload.Unpack(bytes);
                using var probe = new MemoryStream(elf, writable: false);
                if (!KernelImageProbe.Probe(probe).HasPvhEntry)
                    throw Refuse(kernel, "the kernel inside the bzImage has no PVH entry note");
            }
            catch (KernelImageException e)
            {
                throw Refuse(kernel, e.Message);
            }
            Directory.CreateDirectory(directory);
            var temp = cached + ".tmp";
            File.WriteAllBytes(temp, elf);
            File.Move(temp, cached, overwrite: true);
            return cached;
        }
    }

    private static EngineException Refuse(string kernel, string why) =>
        new(EngineErrorKind.Invalid, $"pvh: kernel {kernel}: {why}");
}
