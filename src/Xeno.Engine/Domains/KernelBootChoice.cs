using Xeno.Qemu.Kernel;

namespace Xeno.Engine.Domains;

/// <summary>How QEMU enters a pv or pvh guest's kernel.</summary>
internal enum KernelBootRoute
{
    /// <summary>The kernel file is an ELF with the PVH entry note: QEMU enters it as is.</summary>
    PvhElf,
    /// <summary>A bzImage whose payload carries the PVH note: the host-unpacked ELF from the cache.</summary>
    UnpackedPvhElf,
    /// <summary>No PVH entry: QEMU boots the file as given (a bzImage decompresses itself in the guest).</summary>
    AsGiven,
}

/// <summary>The route, the file QEMU gets, and why (for xenod's log and for pvh's refusal).</summary>
internal sealed record KernelBootChoice(KernelBootRoute Route, string Kernel, string Why)
{
    public bool ThroughPvh => Route != KernelBootRoute.AsGiven;
}

/// <summary>
/// The decision alone, from what the probes found. Pure: PvhKernelCache gathers the facts (and
/// caches them); pvh refuses <see cref="KernelBootRoute.AsGiven"/>, pv falls back to it.
/// </summary>
internal static class KernelBootDecision
{
    /// <param name="kernel">the kernel file the guest was given</param>
    /// <param name="image">the file's probe, or null when it could not be read as a kernel</param>
    /// <param name="unpacked">for a bzImage, the cached ELF its payload unpacked to, or null when it has none with the PVH note</param>
    /// <param name="problem">why the file or its payload gives no PVH entry, when a probe or unpack failed</param>
    public static KernelBootChoice Choose(string kernel, KernelImageInfo? image, string? unpacked, string? problem)
    {
        if (problem is not null || image is null)
            return new(KernelBootRoute.AsGiven, kernel, problem ?? "the kernel could not be probed");
        if (image.Format == KernelImageFormat.Elf)
        {
            return image.HasPvhEntry
                ? new(KernelBootRoute.PvhElf, kernel, "an ELF kernel with the PVH entry note")
                : new(KernelBootRoute.AsGiven, kernel, "the ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
        }
        return unpacked is not null
            ? new(KernelBootRoute.UnpackedPvhElf, unpacked, "the bzImage's payload, unpacked on the host, has the PVH entry note")
            : new(KernelBootRoute.AsGiven, kernel, "the kernel inside the bzImage has no PVH entry note");
    }
}
