using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Domains.Lifecycle.StartSteps;
using Xeno.Engine.Domains.Policy;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Lifecycle;

/// <summary>
/// A domain's life: reserve, start (launch, then the start steps), monitor QMP events, apply
/// the on_* plan (<see cref="RestartPolicy"/>), destroy, and re-adopt after a xenod restart.
/// Everything that changes one domain runs through that domain's supervisor; nothing here holds
/// a lock shared by domains while waiting on QEMU.
/// </summary>
internal sealed class DomainLifecycle(EngineContext context, DomainRegistry registry)
{
    private readonly QemuLaunch _launch = new(context);
    private readonly QemuStopper _stopper = new(context);
    private readonly CoreDumper _dumper = new(context);

    // ---- create --------------------------------------------------------------------------

    public async Task<int> CreateAsync(DomainSpec spec, bool paused)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // API clients reach here without xl's builder: the name rule again, before any path is made.
        if (DomainName.Problem(spec.Name) is { } badName)
            throw new EngineException(EngineErrorKind.Invalid, badName);
        HostFiles.CheckBootFiles(spec);
        Resources.CpupoolCheck.Check(spec);
        var supervisor = Reserve(spec, spec.Name);
        await StartReservedAsync(supervisor, paused);
        return supervisor.Domain.Domid;
    }

    /// <summary>
    /// xl restore (and later a migration's receiving end): a new domid, the domain in phase
    /// Incoming (requests other than destroy are refused, naming the phase); QEMU starts paused
    /// and waiting, <paramref name="receive"/> feeds it the stream, then the guest runs on unless
    /// <paramref name="paused"/>. Any failure undoes everything, as a failed create does.
    /// </summary>
    public async Task<int> CreateIncomingAsync(DomainSpec spec, Action<Domain> prepare,
        Func<Domain, QemuInstance, CancellationToken, Task> receive, bool paused)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (DomainName.Problem(spec.Name) is { } badName)
            throw new EngineException(EngineErrorKind.Invalid, badName);
        HostFiles.CheckBootFiles(spec);
        var supervisor = Reserve(spec, spec.Name, DomainPhase.Incoming);
        try
        {
            prepare(supervisor.Domain);
        }
        catch
        {
            // The reservation must not stay behind.
            Release(supervisor);
            throw;
        }
        await StartReservedAsync(supervisor, paused, receive);
        return supervisor.Domain.Domid;
    }

    /// <summary>An exception no start step names (an engine bug): logged whole, reported with its type.</summary>
    private EngineException Unforeseen(Domain d, Exception e)
    {
        context.Log.Info($"domain {d.Domid} ({d.Name}): start failed unexpectedly: {e}");
        return new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": start failed: {e.GetType().Name}: {e.Message}", e);
    }

    /// <summary>Name and domid taken, listed in phase Creating ("--p---", as Xen lists a domain being built).</summary>
    private DomainSupervisor Reserve(DomainSpec spec, string name, DomainPhase phase = DomainPhase.Creating)
    {
        var supervisor = registry.Reserve(spec, name, domid => new DomainSupervisor(
            new Domain(domid, spec, context.Paths.FilesFor(domid, name), context.Time.GetUtcNow())
            {
                Name = name,
                Phase = phase,
                Affinity = VcpuAffinities.FromSpec(spec),
            }, context));
        context.Emit(DomainEventKind.Created, supervisor.Domain, e => e with { Phase = phase.Name() });
        return supervisor;
    }

    /// <summary>
    /// Starts QEMU for a reserved domain and runs the start steps (every request to the domain
    /// waits meanwhile), then registers it. Any failure undoes the steps, stops QEMU and releases
    /// the reservation.
    /// </summary>
    private async Task StartReservedAsync(DomainSupervisor supervisor, bool paused,
        Func<Domain, QemuInstance, CancellationToken, Task>? receive = null)
    {
        var d = supervisor.Domain;
        var preLaunch = new PreLaunchContext(d, context);
        bool prepared = false;
        QemuInstance instance;
        try
        {
            // The host side of devices QEMU opens (vif taps) exists before QEMU starts.
            await StepRunner.RunAsync(PreLaunchStepLists.ForStart, preLaunch, context.Log.Info);
            prepared = true;
            instance = await _launch.LaunchAsync(d, paused || receive is not null, incoming: receive is not null);
        }
        catch (Exception e)
        {
            // Whatever failed (an unforeseen exception too), the domain must not stay reserved in
            // phase Creating: every later request, destroy included, would wait for it forever.
            if (prepared)
                await PreLaunchStepLists.UndoAllAsync(PreLaunchStepLists.ForStart, preLaunch, context.Log.Info);
            Release(supervisor);
            throw e switch
            {
                EngineException ee => ee,
                MachineSpecException me => new EngineException(EngineErrorKind.Invalid, $"domain \"{d.Name}\": {me.Message}", me),
                QemuStartException or IOException or UnauthorizedAccessException => new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": {e.Message}", e),
                _ => Unforeseen(d, e),
            };
        }

        try
        {
            var steps = receive is null ? StartStepLists.ForStart : [.. StartStepLists.ForStart, new ReceiveStreamStep(receive, paused)];
            await StepRunner.RunAsync(steps, new StartContext(d, instance, context), context.Log.Info);
        }
        catch (Exception e)
        {
            d.ExpectingExit = true;
            await _stopper.StopAsync(instance, killOnly: !d.Responding);
            await PreLaunchStepLists.UndoAllAsync(PreLaunchStepLists.ForStart, preLaunch, context.Log.Info);
            Release(supervisor);
            if (e is EngineException)
                throw;
            // QEMU refusing a step or going away during one is a failed start, not an engine bug.
            if (e is QmpException or IOException)
                throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": {e.Message}", e);
            throw Unforeseen(d, e);
        }

        await supervisor.SettleAsync(async () =>
        {
            try
            {
                d.Qemu = instance;
                d.Paused = paused;
                supervisor.MoveTo(DomainPhase.Running);
                context.Records.Save(d);
                if (context.Stopping)
                {
                    // xenod is going away: the guest keeps running and the next xenod re-adopts it.
                    await instance.DisposeAsync();
                    return;
                }
                await context.Consoles.StartAsync(d);
                context.Publish(s => s.Introduce(d.Domid, d.Name, d.Spec, d.StartTime));
                d.Monitor = Task.Run(() => MonitorAsync(supervisor, instance), CancellationToken.None);
                var spec = d.Spec;
                context.Log.Info($"Domain {d.Domid} ({d.Name}) created: {spec.Kind.ToXenName()}, {spec.MemoryMiB} MiB, {spec.Vcpus} vCPU(s), " +
                                 $"{AcceleratorSelector.Name(_launch.AcceleratorOf(spec))}, qemu pid {instance.Process.Pid}{(paused ? ", paused" : "")}");
                if (paused)
                    context.Emit(DomainEventKind.Paused, d);
            }
            finally
            {
                d.Settled.TrySetResult();
            }
        });
    }

    /// <summary>A start failed: the name and domid slot go, requests waiting on it find it gone.</summary>
    private void Release(DomainSupervisor supervisor)
    {
        var d = supervisor.Domain;
        supervisor.MoveTo(DomainPhase.Dying);
        registry.Remove(supervisor);
        CleanRunDir(d.Domid);
        d.Settled.TrySetResult();
        context.Emit(DomainEventKind.Destroyed, d);
    }

    // ---- destroy -------------------------------------------------------------------------

    /// <summary>xl destroy: cancels whatever runs on the domain, kills a QEMU that does not answer.</summary>
    public Task DestroyAsync(DomainSupervisor supervisor, CancellationToken cancel) =>
        supervisor.RunAsync(DomainOperation.Destroy, async _ =>
        {
            var d = supervisor.Domain;
            context.Log.Info($"Domain {d.Domid} ({d.Name}) destroyed on request");
            await DestroyHeldAsync(supervisor, killOnly: !d.Responding);
            return true;
        }, cancel);

    /// <summary>Destroys a domain whose gate the caller holds (also xl save, once the state is written).</summary>
    internal async Task DestroyHeldAsync(DomainSupervisor supervisor, bool killOnly)
    {
        var d = supervisor.Domain;
        supervisor.MoveTo(DomainPhase.Dying);
        d.ExpectingExit = true;
        if (d.Qemu is { } q)
            await _stopper.StopAsync(q, killOnly);
        d.Qemu = null;
        // Not cancellable: a destroy half done would leave the cgroup behind.
        await Resources.CpuControl.ReleaseAsync(context, d.Domid, CancellationToken.None);
        await context.Consoles.StopAsync(d.Domid);
        // QEMU is gone, so its taps are free to remove (a tap QEMU holds cannot be deleted).
        await PreLaunchStepLists.UndoAllAsync(PreLaunchStepLists.ForStart, new PreLaunchContext(d, context), context.Log.Info);
        registry.Remove(supervisor);
        context.Records.Delete(d.Domid);
        CleanRunDir(d.Domid);
        context.Publish(s => s.Release(d.Domid, d.Spec));
        context.Emit(DomainEventKind.Destroyed, d);
    }

    private void CleanRunDir(int domid)
    {
        try
        {
            var dir = context.Paths.DomainRunDir(domid);
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // ---- QMP events and on_* actions -----------------------------------------------------

    private async Task MonitorAsync(DomainSupervisor supervisor, QemuInstance q)
    {
        try
        {
            await foreach (var ev in q.Qmp.Events.ReadAllAsync())
            {
                supervisor.Domain.DeviceEvents.Observe(ev);
                ShutdownReason? reason = ev.Name switch
                {
                    "SHUTDOWN" => ReasonOf(ev),
                    "GUEST_PANICKED" => ShutdownReason.Crash,
                    _ => null,
                };
                if (reason is { } r)
                    await ActAsync(supervisor, r, "QMP " + ev.Name);
            }
        }
        catch (Exception e) when (e is QmpException or IOException or System.Threading.Channels.ChannelClosedException)
        {
        }
        if (context.Stopping)
            return;
        await OnQmpClosedAsync(supervisor, q);
    }

    private async Task OnQmpClosedAsync(DomainSupervisor supervisor, QemuInstance q)
    {
        var d = supervisor.Domain;
        try
        {
            await supervisor.RunAsync(DomainOperation.ShutdownAction, async token =>
            {
                if (d.ExpectingExit || d.Qemu != q)
                    return true;
                if (q.Process.IsRunning())
                {
                    context.Log.Info($"Domain {d.Domid} ({d.Name}): lost the QMP connection; QEMU still runs");
                    return true;
                }
                context.Log.Info($"Domain {d.Domid} ({d.Name}): QEMU (pid {q.Process.Pid}) exited unexpectedly");
                d.Qemu = null;
                await q.DisposeAsync();
                await ApplyHeldAsync(supervisor, ShutdownReason.Crash, "QEMU exit", token);
                return true;
            }, CancellationToken.None);
        }
        catch (EngineException e) when (e.Kind is EngineErrorKind.Conflict or EngineErrorKind.NotFound)
        {
            // Already shut down, being destroyed, or gone: nothing to decide.
        }
    }

    /// <summary>Applies the on_* action for a shutdown unless the domain already left phase Running.</summary>
    private async Task ActAsync(DomainSupervisor supervisor, ShutdownReason reason, string source)
    {
        try
        {
            await supervisor.RunAsync(DomainOperation.ShutdownAction, async token =>
            {
                await ApplyHeldAsync(supervisor, reason, source, token);
                return true;
            }, CancellationToken.None);
        }
        catch (EngineException e) when (e.Kind is EngineErrorKind.Conflict or EngineErrorKind.NotFound)
        {
        }
    }

    /// <summary>QEMU's SHUTDOWN reasons; null for exits xenod itself caused.</summary>
    internal static ShutdownReason? ReasonOf(QmpEvent ev) => ev.Reason switch
    {
        "guest-shutdown" => ShutdownReason.Poweroff,
        "guest-reset" or "host-qmp-system-reset" => ShutdownReason.Reboot,
        "guest-panic" => ShutdownReason.Crash,
        "host-qmp-quit" or "host-signal" or "host-ui" or "none" => null,
        _ => ShutdownReason.Poweroff,
    };

    /// <summary>
    /// The on_* plan carried out, the domain's gate held. <paramref name="destroying"/> is cancelled
    /// by an xl destroy: a core dump in progress stops and no restart follows.
    /// </summary>
    private async Task ApplyHeldAsync(DomainSupervisor supervisor, ShutdownReason reason, string source, CancellationToken destroying)
    {
        var d = supervisor.Domain;
        var spec = d.Spec;
        var plan = RestartPolicy.Plan(reason, spec, d.Name, context.Time.GetUtcNow());
        int code = (int)reason;
        context.Log.Info($"Domain {d.Domid} has shut down, reason code {code} 0x{code:x} ({source})");
        context.Log.Info($"Action for shutdown reason code {code} is {plan.ActionName}");
        d.Reason = reason;
        supervisor.MoveTo(DomainPhase.Shutdown);
        context.Records.Save(d);
        context.Emit(DomainEventKind.Shutdown, d, e => e with { Reason = reason.Name(), ReasonCode = code, Action = plan.ActionName });
        if (reason == ShutdownReason.Crash)
            context.Emit(DomainEventKind.Crashed, d, e => e with { Message = source });

        bool killOnly = !d.Responding;
        if (plan.CoreDumpFirst)
        {
            supervisor.MoveTo(DomainPhase.CoreDumping);
            killOnly |= !await _dumper.DumpAsync(d, destroying);
            if (!destroying.IsCancellationRequested)
                supervisor.MoveTo(DomainPhase.Shutdown);
        }
        if (destroying.IsCancellationRequested)
        {
            context.Log.Info($"Domain {d.Domid} ({d.Name}) destroyed on request");
            await DestroyHeldAsync(supervisor, killOnly: true);
            return;
        }

        switch (plan.Kept)
        {
            case KeptDomain.Preserved when d.Qemu is not null:
                context.Log.Info("Done. Exiting now");
                break;
            case KeptDomain.Renamed when d.Qemu is not null:
                var original = d.Name;
                context.Log.Info($"Preserving domain {d.Domid} {original} with suffix {plan.KeptName![original.Length..]}");
                registry.Rename(supervisor, plan.KeptName);
                // A new UUID for the kept domain, as xl's preserve_domain: the restarted one
                // keeps the config's, and each has its own /vm/<uuid> in xenstore.
                context.Publish(s => s.Release(d.Domid, spec));
                d.Spec = spec with { Uuid = Guid.NewGuid() };
                context.Records.Save(d);
                context.Publish(s => s.Introduce(d.Domid, plan.KeptName, d.Spec, d.StartTime));
                context.Emit(DomainEventKind.Renamed, d, e => e with { OldName = original });
                break;
            default:
                if (plan.Kept != KeptDomain.None)
                    context.Log.Info($"Domain {d.Domid}: QEMU is gone, nothing to preserve; cleaning up");
                else
                    context.Log.Info($"Domain {d.Domid} needs to be cleaned up: destroying the domain");
                await DestroyHeldAsync(supervisor, killOnly);
                break;
        }
        if (plan.Restart)
            RestartInBackground(spec, plan.RestartName, d.Domid, plan.Kept == KeptDomain.Renamed ? plan.KeptName : null);
    }

    /// <summary>
    /// The restarted domain: reserved now (so its name cannot be taken meanwhile), started by
    /// the same path as a create, in the background (this domain's gate is held).
    /// </summary>
    private void RestartInBackground(DomainSpec spec, string name, int oldDomid, string? keptName)
    {
        DomainSupervisor fresh;
        try
        {
            HostFiles.CheckBootFiles(spec);
            fresh = Reserve(spec, name);
        }
        catch (EngineException e)
        {
            context.Log.Info($"Domain {name}: restart failed: {e.Message}");
            return;
        }
        // xl prints this once the old domain is dealt with, before it builds the new one.
        context.Log.Info($"Done. Rebooting now (new domid {fresh.Domain.Domid})");
        _ = Task.Run(async () =>
        {
            try
            {
                await StartReservedAsync(fresh, paused: false);
                context.Events.Publish(new DomainEvent
                {
                    Kind = DomainEventKind.Restarted, Domid = oldDomid, Name = name, NewDomid = fresh.Domain.Domid, OldName = keptName,
                });
            }
            catch (EngineException e)
            {
                context.Log.Info($"Domain {name}: restart failed: {e.Message}");
            }
        }, CancellationToken.None);
    }

    // ---- restart safety ------------------------------------------------------------------

    /// <summary>
    /// Re-adopts the guests of a previous xenod from their runtime records: reconnects QMP,
    /// catches up with shutdowns and crashes missed meanwhile; guests whose QEMU died get on_crash.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancel)
    {
        var records = new List<RuntimeRecord>();
        foreach (var (path, text) in context.Records.All())
        {
            try
            {
                records.Add(RuntimeRecord.FromJson(text));
            }
            catch (InvalidDataException e)
            {
                context.Log.Info($"ignoring {path}: {e.Message}");
            }
        }
        foreach (var r in records)
            registry.SkipDomidsUpTo(r.Domid);
        foreach (var r in records)
            await AdoptAsync(r, cancel);
        UnrecordedRunFolders.Clean(context, records.Select(r => r.Domid).ToHashSet(),
            records.SelectMany(r => r.Spec.Disks).Select(disk => disk.Target).OfType<string>().ToHashSet(StringComparer.Ordinal));
        await Resources.CpuControl.RemoveOrphansAsync(context, registry.All().Select(s => s.Domain.Domid).ToHashSet(), cancel);
        // A xenod killed after its last guest went leaves its subtree empty: nothing to keep it for.
        context.Cgroups.RemoveInstanceIfEmpty();
    }

    private async Task AdoptAsync(RuntimeRecord r, CancellationToken cancel)
    {
        // The password is not part of the spec's JSON; the record keeps it apart.
        var spec = r.VncPassword is { } password ? r.Spec with { Vnc = r.Spec.Vnc with { Password = password } } : r.Spec;
        // A xenod that died mid-dump leaves a shut-down domain; one that died mid-destroy, one to destroy.
        bool wasShutdown = r.Phase is DomainPhase.Shutdown or DomainPhase.CoreDumping;
        var d = new Domain(r.Domid, spec, r.Files, r.StartTime)
        {
            Name = r.Name, Paused = r.Paused, Phase = wasShutdown ? DomainPhase.Shutdown : DomainPhase.Running,
            Reason = wasShutdown ? r.Reason : null,
        };
        d.TargetKb = r.TargetKb ?? d.TargetKb;
        // Its taps and routes stay as they are (the guest's traffic goes on); destroy removes them.
        d.Network = r.Network;
        d.MaxMemKb = r.MaxMemKb ?? d.MaxMemKb;
        d.Settled.TrySetResult();
        var supervisor = new DomainSupervisor(d, context);
        registry.Adopt(supervisor);
        var instance = await _launch.Launcher.AdoptAsync(r.Files, cancel);
        if (instance is null)
        {
            context.Log.Info($"Domain {d.Domid} ({d.Name}): QEMU died while xenod was down");
            if (wasShutdown || r.Phase == DomainPhase.Dying)
                await DestroyAsync(supervisor, cancel);
            else
                await ActAsync(supervisor, ShutdownReason.Crash, "QEMU gone at re-adoption");
            return;
        }
        instance.Qmp.DefaultTimeout = context.Options.QmpTimeout;
        d.Qemu = instance;
        if (r.Phase == DomainPhase.Dying)
        {
            context.Log.Info($"Domain {d.Domid} ({d.Name}): was being destroyed when xenod stopped; destroying it");
            await DestroyAsync(supervisor, cancel);
            return;
        }
        await context.Consoles.StartAsync(d);
        try
        {
            await StepRunner.RunAsync(StartStepLists.ForAdoption, new StartContext(d, instance, context, r), context.Log.Info);
        }
        catch (EngineException e)
        {
            context.Log.Info($"Domain {d.Domid} ({d.Name}): re-adoption step failed: {e.Message}");
        }
        d.Monitor = Task.Run(() => MonitorAsync(supervisor, instance), CancellationToken.None);
        context.Log.Info($"Domain {d.Domid} ({d.Name}) re-adopted, qemu pid {instance.Process.Pid}");
        if (wasShutdown)
            return;
        QmpStatus status;
        try
        {
            status = await QmpCall.RunAsync(d, instance, (q, t) => q.QueryStatusAsync(t), cancel);
        }
        catch (EngineException e)
        {
            context.Log.Info($"Domain {d.Domid} ({d.Name}): {e.Message}");
            return;
        }
        if (status.Status == "shutdown")
            await ActAsync(supervisor, ShutdownReason.Poweroff, "found shut down at re-adoption");
        else if (status.Status == "guest-panicked")
            await ActAsync(supervisor, ShutdownReason.Crash, "found crashed at re-adoption");
    }

    /// <summary>Stops supervising; guests keep running (they are re-adopted by the next xenod).</summary>
    public async Task StopSupervisingAsync()
    {
        context.Stopping = true;
        // Starts in flight finish first (their record is written, so the next xenod re-adopts them).
        await Task.WhenAll(registry.All().Select(s => s.Domain.Settled.Task));
        await context.Consoles.DisposeAsync();
        foreach (var s in registry.All())
        {
            if (s.Domain.Qemu is { } q)
                await q.DisposeAsync();
        }
        context.Cgroups.RemoveInstanceIfEmpty();
    }
}
