using System.Collections.Concurrent;
using System.Security.Cryptography;
using Xeno.Qemu.Kernel;

namespace Xeno.Engine.Domains;

/// <summary>
/// Finds the PVH entry of a pv or pvh guest's kernel. An ELF with the PVH note is used as is; a
/// bzImage's payload is unpacked once (Xeno.Qemu's BzImagePayload) and cached by the bzImage's
/// SHA-256 under &lt;prefix&gt;/var/lib/xeno/kernels/, so later boots start at once. The key is the
/// content, never the path: a kernel pygrub extracts from a guest's disk lands at the same path
/// for every version. A bzImage without the note is remembered (in memory) by the same key, so a
/// pv guest that falls back to the bzImage does not pay the unpack on every start.
/// </summary>
internal sealed class PvhKernelCache(string directory)
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, string> _noPvh = new(StringComparer.Ordinal);

    /// <summary>pvh: the ELF QEMU enters through PVH, or a refusal naming why there is none.</summary>
    public string Resolve(string kernel)
    {
        var choice = Inspect(kernel);
        return choice.ThroughPvh ? choice.Kernel : throw Refuse(kernel, choice.Why);
    }

    /// <summary>The route for this kernel file (pv falls back to <see cref="KernelBootRoute.AsGiven"/>).</summary>
    public KernelBootChoice Inspect(string kernel)
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
                return KernelBootDecision.Choose(kernel, null, null, e.Message);
            }
        }
        if (info.Format == KernelImageFormat.Elf)
            return KernelBootDecision.Choose(kernel, info, null, null);

        var bytes = File.ReadAllBytes(kernel);
        var key = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var cached = Path.Combine(directory, key + ".elf");
        lock (_gate)
        {
            if (File.Exists(cached))
                return KernelBootDecision.Choose(kernel, info, cached, null);
            if (_noPvh.TryGetValue(key, out var known))
                return KernelBootDecision.Choose(kernel, info, null, known);
            byte[] elf;
            try
            {
                elf = BzImagePayload.Unpack(bytes);
                using var probe = new MemoryStream(elf, writable: false);
                if (!KernelImageProbe.Probe(probe).HasPvhEntry)
                    return Remember(key, KernelBootDecision.Choose(kernel, info, null, null));
            }
            catch (KernelImageException e)
            {
                return Remember(key, KernelBootDecision.Choose(kernel, info, null, e.Message));
            }
            Directory.CreateDirectory(directory);
            var temp = cached + ".tmp";
            File.WriteAllBytes(temp, elf);
            File.Move(temp, cached, overwrite: true);
            return KernelBootDecision.Choose(kernel, info, cached, null);
        }
    }

    private KernelBootChoice Remember(string key, KernelBootChoice choice)
    {
        _noPvh[key] = choice.Why;
        return choice;
    }

    private static EngineException Refuse(string kernel, string why) =>
        new(EngineErrorKind.Invalid, $"pvh: kernel {kernel}: {why}");
}
