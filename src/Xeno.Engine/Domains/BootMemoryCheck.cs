using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Xeno.Config.Domain;
using Xeno.Qemu.Kernel;

namespace Xeno.Engine.Domains;

/// <summary>
/// Before QEMU starts a pv or pvh guest: gathers the facts BootMemoryFit decides on (the booted
/// kernel's end, the initrd's size packed and unpacked), refuses a guest whose kernel and initrd
/// cannot both fit, and says in xenod's log, once per domain, when the room left is tight. The
/// unpacked size is remembered per initrd file (path, length, modification time): fifty guests
/// sharing one initrd unpack it once.
/// </summary>
internal sealed class BootMemoryCheck(EngineLog log)
{
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), long?> _unpacked = new();
    private readonly ConditionalWeakTable<Domain, StrongBox<BootMemoryVerdict>> _said = new();

    /// <param name="d">the domain (its name, and to say a warning once)</param>
    /// <param name="spec">what boots: kernel= is the file QEMU gets (after pygrub and fast PV boot)</param>
    public void Apply(Domain d, DomainSpec spec)
    {
        if (spec.Kind is not (DomainKind.Pv or DomainKind.Pvh) || spec.Kernel is not { } kernel)
            return;
        var result = BootMemoryFit.Check(d.Name, spec.GuestRamMiB, KernelEnd(kernel), InitrdLength(spec.Ramdisk),
            spec.Ramdisk is { } initrd ? Unpacked(initrd) : null);
        if (result.Verdict == BootMemoryVerdict.TooSmall)
            throw new EngineException(EngineErrorKind.Invalid, result.Message!);
        var box = _said.GetOrAdd(d, _ => new StrongBox<BootMemoryVerdict>(BootMemoryVerdict.Fits));
        lock (box)
        {
            if (box.Value == result.Verdict)
                return;
            box.Value = result.Verdict;
        }
        if (result.Message is { } message)
            log.Info("warning: " + message);
    }

    private static long? KernelEnd(string kernel)
    {
        try
        {
            using var f = File.OpenRead(kernel);
            return KernelImageProbe.Probe(f).MemoryEnd;
        }
        catch (Exception e) when (e is KernelImageException or IOException or UnauthorizedAccessException)
        {
            return null; // QEMU names an unreadable or foreign kernel itself
        }
    }

    private static long? InitrdLength(string? initrd) =>
        initrd is not null && File.Exists(initrd) ? new FileInfo(initrd).Length : null;

    private long? Unpacked(string initrd)
    {
        var info = new FileInfo(initrd);
        if (!info.Exists)
            return null;
        return _unpacked.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            try
            {
                using var f = File.OpenRead(initrd);
                return InitramfsSize.Measure(f).UnpackedBytes;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        });
    }
}
