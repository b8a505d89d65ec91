namespace Xeno.Engine.Api;

/// <summary>
/// xl info's memory figures made to add up as on Xen: total = free + Domain-0 + Σ guests, where a
/// guest counts its xl list Mem and Domain-0 is what the host itself uses. The host's own use is
/// total − available − the resident memory of the guests' QEMU processes, so it does not grow as
/// guests touch their RAM (QEMU allocates it lazily). Free is then what is left; if the guests
/// are promised more than that (Xen would refuse; QEMU's lazy RAM lets it happen), free is 0 and
/// Domain-0 shrinks so the sum still holds while it can (it cannot once Σ guests > total).
/// </summary>
internal static class HostMemoryAccount
{
    /// <param name="guests">Each guest's Mem as xl list shows it (MiB) and its QEMU's resident KiB (0 if unknown).</param>
    public static (long TotalMiB, long FreeMiB, long Dom0MiB) Account(long totalKb, long availableKb, IEnumerable<(long MemoryMiB, long QemuRssKb)> guests)
    {
        long totalMiB = totalKb / 1024, guestMiB = 0, rssKb = 0;
        foreach (var (memory, rss) in guests)
        {
            guestMiB += memory;
            rssKb += Math.Max(0, rss);
        }
        long dom0 = Math.Max(0, (totalKb - availableKb - rssKb) / 1024);
        long free = totalMiB - dom0 - guestMiB;
        if (free < 0)
        {
            free = 0;
            dom0 = Math.Max(0, totalMiB - guestMiB);
        }
        return (totalMiB, free, dom0);
    }
}
