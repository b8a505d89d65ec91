using System.Globalization;

namespace Xeno.Engine.Domains;

/// <summary>How a direct-boot guest's memory compares with what its kernel and initramfs need.</summary>
internal enum BootMemoryVerdict
{
    /// <summary>Enough room, or too little known to say.</summary>
    Fits,
    /// <summary>It loads, but the kernel may run out of memory unpacking its initramfs (xenod warns).</summary>
    Tight,
    /// <summary>The kernel and its initrd cannot both be in the guest's memory (refused).</summary>
    TooSmall,
}

/// <summary>The verdict, the smallest memory that clears it, and the message for xl or xenod's log.</summary>
internal sealed record BootMemoryFitResult(BootMemoryVerdict Verdict, long SuggestedMiB, string? Message);

/// <summary>
/// Whether a pv/pvh guest's RAM holds its kernel and initramfs through early boot. Pure: the
/// facts come from the kernel's load segments (KernelImageProbe) and the initrd's size, packed
/// and unpacked (InitramfsSize). Why it matters: the kernel reserves everything up to its end
/// (Debian 6.1: 74 MiB), QEMU puts the initrd at the top of RAM, and the kernel then unpacks
/// the initramfs into RAM before /init runs. Running out there panics ("System is deadlocked on
/// memory") before the console (hvc0, a virtio module inside that initramfs) or pvpanic exist,
/// so the guest hangs with no output at all.
/// </summary>
internal static class BootMemoryFit
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// RAM the kernel needs beyond its image, the initrd and the unpacked initramfs to reach
    /// /init: page tables, struct pages, slab, per-CPU areas, the allocator's watermarks. Measured
    /// with the test kit's Debian 6.1 kernel (BENCHMARKS.md, "Guest memory at boot"): every boot
    /// with less than 1 MiB of this room panicked, boots with 7 MiB mostly reached /init and
    /// sometimes not, boots with 12 MiB and more always did.
    /// </summary>
    public const long MarginMiB = 12;

    /// <param name="name">the domain, for the message</param>
    /// <param name="memoryMiB">the RAM the guest boots with</param>
    /// <param name="kernelEnd">the highest guest-physical byte the kernel occupies, or null when unknown</param>
    /// <param name="initrdBytes">the initrd file's size, or null without one</param>
    /// <param name="unpackedBytes">what the initramfs unpacks to, or null when unknown</param>
    public static BootMemoryFitResult Check(string name, long memoryMiB, long? kernelEnd, long? initrdBytes, long? unpackedBytes)
    {
        if (kernelEnd is not { } end)
            return new(BootMemoryVerdict.Fits, 0, null);
        long memory = memoryMiB * MiB;
        long initrd = initrdBytes ?? 0;
        long loaded = end + initrd;
        if (memory < loaded)
        {
            long least = CeilMiB(loaded + (unpackedBytes ?? 0)) + MarginMiB;
            string initrdPart = initrdBytes is null ? "" : Invariant($" and the initrd ({Mb(initrd)} MiB) is loaded at the top of RAM");
            return new(BootMemoryVerdict.TooSmall, least, Invariant(
                $"domain {name}: memory={memoryMiB} MiB cannot hold its kernel and initrd: the kernel occupies guest memory up to {Mb(end)} MiB{initrdPart}; give it at least {least} MiB"));
        }
        if (unpackedBytes is not { } unpacked)
            return new(BootMemoryVerdict.Fits, 0, null);
        long room = memory - loaded - unpacked;
        if (room >= MarginMiB * MiB)
            return new(BootMemoryVerdict.Fits, 0, null);
        long suggested = CeilMiB(loaded + unpacked) + MarginMiB;
        string facts = Invariant(
            $"the kernel occupies guest memory up to {Mb(end)} MiB, the initrd takes {Mb(initrd)} MiB and unpacks to {Mb(unpacked)} MiB, leaving {Mb(room)} MiB (the kernel needs about {MarginMiB} more to reach /init)");
        return new(BootMemoryVerdict.Tight, suggested, Invariant(
            $"domain {name}: memory={memoryMiB} MiB is tight for its kernel and initramfs: {facts}; if it runs out it panics before its console exists and the guest shows no output at all; give it at least {suggested} MiB"));
    }

    private static long CeilMiB(long bytes) => (bytes + MiB - 1) / MiB;

    private static string Mb(long bytes) => (bytes / (double)MiB).ToString("F1", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);
}
