using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>Whether one more VM fits an owner's quota: the messages say which limits it passes.</summary>
public static class QuotaCheck
{
    public static IReadOnlyList<string> Refusals(Quota quota, Usage usage, int memoryMib, int vcpus, int diskGib)
    {
        var refusals = new List<string>();
        if (usage.Vms + 1 > quota.MaxVms)
            refusals.Add($"Quota: you have {usage.Vms} of {quota.MaxVms} VMs.");
        if ((long)usage.MemoryMib + memoryMib > quota.MaxMemoryMib)
            refusals.Add($"Quota: {memoryMib} MiB more memory would make {usage.MemoryMib + (long)memoryMib} MiB of {quota.MaxMemoryMib} MiB.");
        if ((long)usage.Vcpus + vcpus > quota.MaxVcpus)
            refusals.Add($"Quota: {vcpus} more vCPUs would make {usage.Vcpus + (long)vcpus} of {quota.MaxVcpus}.");
        if ((long)usage.DiskGib + diskGib > quota.MaxDiskGib)
            refusals.Add($"Quota: {diskGib} GiB more disk would make {usage.DiskGib + (long)diskGib} GiB of {quota.MaxDiskGib} GiB.");
        return refusals;
    }

    /// <summary>Whether growing an existing VM (or adding a disk) fits: only growth is checked, so shrinking always passes.</summary>
    public static IReadOnlyList<string> GrowthRefusals(Quota quota, Usage usage, int memoryMib, int vcpus, int diskGib)
    {
        var refusals = new List<string>();
        if (memoryMib > 0 && (long)usage.MemoryMib + memoryMib > quota.MaxMemoryMib)
            refusals.Add($"Quota: {memoryMib} MiB more memory would make {usage.MemoryMib + (long)memoryMib} MiB of {quota.MaxMemoryMib} MiB.");
        if (vcpus > 0 && (long)usage.Vcpus + vcpus > quota.MaxVcpus)
            refusals.Add($"Quota: {vcpus} more vCPUs would make {usage.Vcpus + (long)vcpus} of {quota.MaxVcpus}.");
        if (diskGib > 0 && (long)usage.DiskGib + diskGib > quota.MaxDiskGib)
            refusals.Add($"Quota: {diskGib} GiB more disk would make {usage.DiskGib + (long)diskGib} GiB of {quota.MaxDiskGib} GiB.");
        return refusals;
    }
}
