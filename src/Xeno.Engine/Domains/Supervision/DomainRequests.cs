using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Domains.Registry;
using Xeno.Qemu.Interop;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Supervision;

/// <summary>
/// The admin requests on one domain (xl pause, rename, shutdown, mem-set, mem-max, vcpu-pin),
/// each run through the domain's supervisor: answered by the phase table, serialised per domain,
/// every QMP call under its deadline.
/// </summary>
internal sealed class DomainRequests(EngineContext context, DomainRegistry registry)
{
    public Task PauseAsync(string idOrName, bool pause, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(pause ? DomainOperation.Pause : DomainOperation.Unpause, async token =>
        {
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            await QmpCall.RunAsync(d, q, (c, t) => pause ? c.StopAsync(t) : c.ContinueAsync(t), token);
            d.Paused = pause;
            context.Records.Save(d);
            context.Log.Info($"Domain {d.Domid} ({d.Name}) {(pause ? "paused" : "unpaused")}");
            context.Emit(pause ? DomainEventKind.Paused : DomainEventKind.Unpaused, d);
            return true;
        }, cancel);
    }

    public Task RenameAsync(string idOrName, string newName, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.Rename, _ =>
        {
            if (DomainName.Problem(newName) is { } badName)
                throw new EngineException(EngineErrorKind.Invalid, badName);
            var old = d.Name;
            registry.Rename(s, newName);
            context.Log.Info($"Domain {d.Domid} renamed from {old} to {newName}");
            context.Records.Save(d);
            context.Publish(store => store.Rename(d.Domid, newName, d.Spec));
            context.Emit(DomainEventKind.Renamed, d, e => e with { OldName = old });
            return Task.FromResult(true);
        }, cancel);
    }

    /// <summary>
    /// Graceful shutdown or reboot through the guest agent (its own deadline); without one, with
    /// <paramref name="acpiFallback"/> the ACPI power button (or a reset), else NoParavirt.
    /// </summary>
    public Task<string> ShutdownAsync(string idOrName, bool reboot, bool acpiFallback, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.Shutdown, async token =>
        {
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            if (await GuestAgent.TryShutdownAsync(d.Files.AgentSocket, reboot, context.Options.AgentTimeout, context.Time, token))
            {
                context.Log.Info($"Domain {d.Domid}: {(reboot ? "reboot" : "shutdown")} requested through the guest agent");
                return "agent";
            }
            if (!acpiFallback)
                throw new EngineException(EngineErrorKind.NoParavirt, "PV control interface not available");
            try
            {
                await QmpCall.RunAsync(d, q, (c, t) => reboot ? c.SystemResetAsync(t) : c.SystemPowerdownAsync(t), token);
            }
            catch (Exception e) when (e is QmpDisconnectedException or ObjectDisposedException)
            {
                // The event can take effect (and the on_* action end QEMU) before QEMU's answer arrives.
            }
            context.Log.Info($"Domain {d.Domid}: ACPI {(reboot ? "reset" : "power button")} event sent");
            return "acpi";
        }, cancel);
    }

    /// <summary>
    /// xl mem-set: records the balloon target (xl list's Mem column) and, when the guest has a
    /// balloon device (maxmem &gt; memory), asks its driver to follow. Like Xen, a guest without a
    /// balloon driver keeps its memory; the target is what is set.
    /// </summary>
    public Task SetMemoryTargetAsync(string idOrName, long targetKb, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.SetMemoryTarget, async token =>
        {
            if (targetKb < 0 || targetKb > d.MaxMemKb)
                throw new EngineException(EngineErrorKind.Invalid, DomainEngine.TargetAboveMaxMessage);
            if (d.Qemu is { } q && d.Spec.StartsBallooned)
            {
                try
                {
                    await QmpCall.RunAsync(d, q, (c, t) => c.BalloonAsync(Math.Max(1, targetKb) * 1024, t), token);
                }
                catch (QmpException e)
                {
                    throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": QEMU refused the balloon target: {e.Message}", e);
                }
            }
            d.TargetKb = targetKb;
            context.Records.Save(d);
            context.Publish(store => store.SetMemory(d.Domid, d.TargetKb, d.MaxMemKb));
            context.Log.Info($"Domain {d.Domid} ({d.Name}): memory target {targetKb} KiB");
            return true;
        }, cancel);
    }

    /// <summary>
    /// xl mem-max: the static maximum, never below the current target. QEMU's RAM is fixed at
    /// start (maxmem=), so a maximum above it cannot be honoured and is refused, naming the limit.
    /// </summary>
    public Task SetMemoryMaxAsync(string idOrName, long maxKb, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.SetMemoryMax, _ =>
        {
            if (maxKb < d.TargetKb)
                throw new EngineException(EngineErrorKind.Invalid, DomainEngine.MaxBelowTargetMessage);
            long ramKb = d.Spec.GuestRamMiB * 1024;
            if (maxKb > ramKb)
                throw new EngineException(EngineErrorKind.Invalid,
                    $"domain \"{d.Name}\" was started with {ramKb / 1024} MiB of RAM (maxmem=); its maximum cannot go above that without a restart");
            d.MaxMemKb = maxKb;
            context.Records.Save(d);
            context.Publish(store => store.SetMemory(d.Domid, d.TargetKb, d.MaxMemKb));
            context.Log.Info($"Domain {d.Domid} ({d.Name}): memory maximum {maxKb} KiB");
            return Task.FromResult(true);
        }, cancel);
    }

    /// <summary>
    /// xl vcpu-pin: <paramref name="vcpu"/> null means every vCPU; a null set leaves that affinity
    /// as it is. Hard affinity is applied to the vCPU threads with sched_setaffinity at once.
    /// </summary>
    public Task PinVcpuAsync(string idOrName, int? vcpu, IReadOnlySet<int>? hard, IReadOnlySet<int>? soft, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.PinVcpu, _ =>
        {
            if (vcpu is { } v && (v < 0 || v >= d.Spec.MaxVcpus))
                throw new EngineException(EngineErrorKind.Invalid, DomainEngine.AffinityRefusedMessage);
            if (hard is { Count: 0 } || (hard is not null && !hard.Any(c => c < DomainEngine.HostCpus)))
                throw new EngineException(EngineErrorKind.Invalid, DomainEngine.AffinityRefusedMessage);
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
            context.Records.Save(d);
            context.Log.Info($"Domain {d.Domid} ({d.Name}): vCPU {(vcpu is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")} affinity " +
                             $"{(hard is null ? "unchanged" : VcpuAffinities.Format(hard, DomainEngine.HostCpus))} / {(soft is null ? "unchanged" : VcpuAffinities.Format(soft, DomainEngine.HostCpus))}");
            return Task.FromResult(true);
        }, cancel);
    }
}
