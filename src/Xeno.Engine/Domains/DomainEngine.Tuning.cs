using Xeno.Qemu.Interop;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains;

/// <summary>Run-time tuning of a domain: memory target and maximum (xl mem-set / mem-max), vCPU affinity (xl vcpu-pin).</summary>
public sealed partial class DomainEngine
{
    /// <summary>libxl's refusal of a target above the static maximum (xl mem-set).</summary>
    public const string TargetAboveMaxMessage = "memory_dynamic_max must be less than or equal to memory_static_max";
    /// <summary>libxl's refusal of a maximum below the current target (xl mem-max), its doubled "or" included.</summary>
    public const string MaxBelowTargetMessage = "memory_static_max must be greater than or or equal to memory_dynamic_max";
    /// <summary>What libxl logs when the hypervisor refuses an affinity (bad vCPU, empty map).</summary>
    public const string AffinityRefusedMessage = "Setting vcpu affinity: Invalid argument";

    /// <summary>
    /// xl mem-set: records the balloon target (xl list's Mem column) and, when the guest has a
    /// balloon device (maxmem &gt; memory), asks its driver to follow. Like Xen, a guest without a
    /// balloon driver keeps its memory; the target is what is set.
    /// </summary>
    public Task SetMemoryTargetAsync(string idOrName, long targetKb, CancellationToken cancel = default) =>
        OnSettledAsync(idOrName, cancel, async d =>
        {
            if (targetKb < 0 || targetKb > d.MaxMemKb)
                throw new EngineException(EngineErrorKind.Invalid, TargetAboveMaxMessage);
            if (d.Qemu is { } q && d.Spec.StartsBallooned)
            {
                try
                {
                    await q.Qmp.BalloonAsync(Math.Max(1, targetKb) * 1024, cancel);
                }
                catch (QmpException e)
                {
                    throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": QEMU refused the balloon target: {e.Message}", e);
                }
            }
            d.TargetKb = targetKb;
            _records.Save(d);
            Publish(() => Store.SetMemory(d.Domid, d.TargetKb, d.MaxMemKb));
            _log.Info($"Domain {d.Domid} ({d.Name}): memory target {targetKb} KiB");
        });

    /// <summary>
    /// xl mem-max: the static maximum, never below the current target. QEMU's RAM is fixed at
    /// start (maxmem=), so a maximum above it cannot be honoured and is refused, naming the limit.
    /// </summary>
    public Task SetMemoryMaxAsync(string idOrName, long maxKb, CancellationToken cancel = default) =>
        OnSettledAsync(idOrName, cancel, d =>
        {
            if (maxKb < d.TargetKb)
                throw new EngineException(EngineErrorKind.Invalid, MaxBelowTargetMessage);
            long ramKb = d.Spec.GuestRamMiB * 1024;
            if (maxKb > ramKb)
                throw new EngineException(EngineErrorKind.Invalid,
                    $"domain \"{d.Name}\" was started with {ramKb / 1024} MiB of RAM (maxmem=); its maximum cannot go above that without a restart");
            d.MaxMemKb = maxKb;
            _records.Save(d);
            Publish(() => Store.SetMemory(d.Domid, d.TargetKb, d.MaxMemKb));
            _log.Info($"Domain {d.Domid} ({d.Name}): memory maximum {maxKb} KiB");
            return Task.CompletedTask;
        });

    /// <summary>
    /// xl vcpu-pin: <paramref name="vcpu"/> null means every vCPU; a null set leaves that affinity
    /// as it is. Hard affinity is applied to the vCPU threads with sched_setaffinity at once.
    /// </summary>
    public Task PinVcpuAsync(string idOrName, int? vcpu, IReadOnlySet<int>? hard, IReadOnlySet<int>? soft, CancellationToken cancel = default) =>
        OnSettledAsync(idOrName, cancel, d =>
        {
            if (vcpu is { } v && (v < 0 || v >= d.Spec.MaxVcpus))
                throw new EngineException(EngineErrorKind.Invalid, AffinityRefusedMessage);
            if (hard is { Count: 0 } || (hard is not null && !hard.Any(c => c < HostCpus)))
                throw new EngineException(EngineErrorKind.Invalid, AffinityRefusedMessage);
            var affinity = d.Affinity;
            for (int i = 0; i < d.Spec.MaxVcpus; i++)
            {
                if (vcpu is null || vcpu == i)
                    affinity = affinity.With(i, hard, soft);
            }
            if (hard is not null && d.Qemu is not null)
            {
                try
                {
                    for (int i = 0; i < d.VcpuThreads.Count; i++)
                    {
                        if (vcpu is null || vcpu == i)
                            CpuAffinity.Set(d.VcpuThreads[i], hard);
                    }
                }
                catch (CpuAffinityException e)
                {
                    throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": {e.Message}", e);
                }
            }
            d.Affinity = affinity;
            _records.Save(d);
            _log.Info($"Domain {d.Domid} ({d.Name}): vCPU {(vcpu is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")} affinity " +
                      $"{(hard is null ? "unchanged" : VcpuAffinities.Format(hard, HostCpus))} / {(soft is null ? "unchanged" : VcpuAffinities.Format(soft, HostCpus))}");
            return Task.CompletedTask;
        });
}
