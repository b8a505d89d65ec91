using System.Globalization;
using System.Text.Json.Nodes;
using Xeno.Config.Domain;
using Xeno.Engine.Consoles;
using Xeno.Engine.Domains.Bootloader;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Interop;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains;

/// <summary>Knobs of the engine that tests and the daemon set.</summary>
public sealed record EngineOptions
{
    public string QemuExecutable { get; init; } = QemuCommandLine.DefaultExecutable;
    /// <summary>How long to wait for a guest agent before "PV control interface not available".</summary>
    public TimeSpan AgentTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long QEMU gets to quit before it is killed.</summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How many rotated console logs to keep (name.log.1 ... .N), as xl does with 10.</summary>
    public int ConsoleLogGenerations { get; init; } = 10;
    /// <summary>Run the xenstore server inside xenod (socket &lt;prefix&gt;/run/xenstored/socket) and publish domains there.</summary>
    public bool EmbeddedXenstore { get; init; } = true;
    /// <summary>Recent console output kept in memory per domain (GET /v1/domains/{dom}/console).</summary>
    public int ConsoleRingBytes { get; init; } = 64 * 1024;
    /// <summary>A running console log is rotated (copy-then-truncate) past this size; 0: only at domain start.</summary>
    public long ConsoleLogMaxBytes { get; init; } = 1024 * 1024;
    /// <summary>Output queued for one console client before it is dropped as too slow.</summary>
    public long ConsoleClientBacklogBytes { get; init; } = 256 * 1024;
}

/// <summary>
/// The domain registry and lifecycle state machine: allocates domids, starts and supervises
/// QEMU, turns QMP events and process exits into Xen's shutdown reasons and applies
/// on_poweroff / on_reboot / on_crash, and re-adopts guests after a daemon restart.
/// Every change happens under one async lock; QMP events are handled in per-domain monitors.
/// </summary>
public sealed partial class DomainEngine : IAsyncDisposable
{
    private readonly EnginePaths _paths;
    private readonly EngineLog _log;
    private readonly TimeProvider _time;
    private readonly AcceleratorChoice _accel;
    private readonly QemuLauncher _launcher;
    private readonly ProcFs _proc;
    private readonly EngineOptions _options;
    private readonly RuntimeRecordStore _records;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<int, Domain> _domains = [];
    private int _nextDomid = 1;
    private volatile bool _stopping;

    public DomainEngine(EnginePaths paths, EngineLog log, TimeProvider time, AcceleratorChoice accelerator,
        EngineOptions? options = null, ProcFs? proc = null)
    {
        _paths = paths;
        _log = log;
        _time = time;
        _accel = accelerator;
        _proc = proc ?? ProcFs.Host;
        _options = options ?? new EngineOptions();
        _launcher = new QemuLauncher(time, _proc);
        _records = new RuntimeRecordStore(paths.RecordDir);
        _pvhKernels = new PvhKernelCache(paths.KernelCacheDir);
        Consoles = new ConsoleHubs(new ConsoleHubOptions
        {
            RingBytes = _options.ConsoleRingBytes, LogMaxBytes = _options.ConsoleLogMaxBytes,
            ClientBacklogBytes = _options.ConsoleClientBacklogBytes, LogGenerations = _options.ConsoleLogGenerations,
        }, time, log.Info);
        _bootloader = new PygrubBoot(paths.LogDir, log);
    }

    /// <summary>The console hubs of running domains (xl console's socket, recent output).</summary>
    public ConsoleHubs Consoles { get; }

    private readonly PvhKernelCache _pvhKernels;
    private readonly PygrubBoot _bootloader;

    /// <summary>Where domains are published in xenstore (EngineHost sets the embedded store).</summary>
    public Store.IDomainStore Store { get; set; } = Xeno.Engine.Store.IDomainStore.None;

    public EngineLog Log => _log;
    public AcceleratorChoice Accelerator => _accel;

    // ---- queries -------------------------------------------------------------------------

    public async Task<IReadOnlyList<DomainSnapshot>> ListAsync(CancellationToken cancel = default)
    {
        await _lock.WaitAsync(cancel);
        try
        {
            return _domains.Values.OrderBy(d => d.Domid).Select(SnapshotOf).ToList();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A domain by id (all digits) or name, as xl's find_domain does.</summary>
    public async Task<DomainSnapshot> GetAsync(string idOrName, CancellationToken cancel = default)
    {
        await _lock.WaitAsync(cancel);
        try
        {
            return SnapshotOf(Find(idOrName));
        }
        finally
        {
            _lock.Release();
        }
    }

    private DomainSnapshot SnapshotOf(Domain d)
    {
        var vcpus = new List<VcpuInfo>();
        var total = TimeSpan.Zero;
        if (d.Qemu is { } q)
        {
            for (int i = 0; i < d.VcpuThreads.Count; i++)
            {
                var stat = _proc.ThreadStat(q.Process.Pid, d.VcpuThreads[i]);
                var cpu = stat?.CpuTime ?? TimeSpan.Zero;
                total += cpu;
                vcpus.Add(new VcpuInfo(i, stat?.State == 'R', cpu, stat?.LastCpu ?? 0)
                {
                    Hard = d.Affinity.HardOf(i),
                    Soft = d.Affinity.SoftOf(i),
                });
            }
        }
        return d.Snapshot(total, vcpus);
    }

    private Domain Find(string idOrName)
    {
        if (idOrName.Length > 0 && idOrName.All(char.IsAsciiDigit))
        {
            if (int.TryParse(idOrName, CultureInfo.InvariantCulture, out var id) && _domains.TryGetValue(id, out var byId))
                return byId;
            throw new EngineException(EngineErrorKind.NotFound, $"Domain {idOrName} does not exist.");
        }
        return _domains.Values.FirstOrDefault(d => d.Name == idOrName)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"{idOrName} is an invalid domain identifier (rc=-6)");
    }

    // ---- create --------------------------------------------------------------------------
    //
    // A create takes the lock twice, briefly: once to reserve the name and a domid (the domain is
    // listed meanwhile in phase Creating, "--p---", as Xen lists a domain being built), once to
    // register the started QEMU. The slow part (a PVH kernel's first unpack, QEMU's start) runs
    // outside it, so xl list and every other request keep answering. Requests that would change a
    // domain being created wait until it is settled (see OnSettledAsync).

    /// <summary>Builds and starts a domain; returns its domid once QEMU runs.</summary>
    public async Task<int> CreateAsync(DomainSpec spec, bool paused, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (DomainName.Problem(spec.Name) is { } badName) throw new EngineException(EngineErrorKind.Invalid, badName);
        HostFiles.CheckBootFiles(spec);
        Domain d;
        await _lock.WaitAsync(cancel);
        try
        {
            d = ReserveLocked(spec, spec.Name);
        }
        finally
        {
            _lock.Release();
        }
        await StartReservedAsync(d, paused);
        return d.Domid;
    }

    /// <summary>Takes the name and the next domid; Xen's message when the name is in use (also by a domain being created).</summary>
    private Domain ReserveLocked(DomainSpec spec, string name)
    {
        if (_domains.Values.Any(d => d.Name == name))
            throw new EngineException(EngineErrorKind.Conflict, $"Domain with name \"{name}\" already exists.");
        HostFiles.CheckDisks(spec, _domains.Values
            .Where(o => o.Qemu is not null || o.Phase == DomainPhase.Creating)
            .Select(o => (o.Domid, o.Name, o.Spec)));
        int domid = _nextDomid++;
        var domain = new Domain(domid, spec, _paths.FilesFor(domid, name), _time.GetUtcNow())
        {
            Name = name,
            Phase = DomainPhase.Creating,
            Affinity = VcpuAffinities.FromSpec(spec),
        };
        _domains[domid] = domain;
        return domain;
    }

    /// <summary>
    /// Starts QEMU for a reserved domain without holding the lock, then registers it under the
    /// lock. Any failure releases the reservation (name, domid slot, runtime files) and is thrown.
    /// </summary>
    private async Task StartReservedAsync(Domain d, bool paused)
    {
        QemuInstance instance;
        try
        {
            instance = await LaunchAsync(d, paused);
        }
        catch (Exception e) when (e is EngineException or QemuStartException or MachineSpecException or IOException or UnauthorizedAccessException)
        {
            await ReleaseReservationAsync(d);
            throw e switch
            {
                EngineException ee => ee,
                MachineSpecException me => new EngineException(EngineErrorKind.Invalid, $"domain \"{d.Name}\": {me.Message}", me),
                _ => new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": {e.Message}", e),
            };
        }

        try
        {
            await OnQemuStartedAsync(d, instance);
        }
        catch (EngineException)
        {
            d.ExpectingExit = true;
            await StopQemuAsync(instance);
            await ReleaseReservationAsync(d);
            throw;
        }

        await _lock.WaitAsync(CancellationToken.None);
        try
        {
            d.Qemu = instance;
            d.Paused = paused;
            d.Phase = DomainPhase.Running;
            _records.Save(d);
            if (_stopping)
            {
                // xenod is going away: the guest keeps running and the next xenod re-adopts it.
                await instance.DisposeAsync();
                return;
            }
            await Consoles.StartAsync(d.Domid, d.Files);
            Publish(() => Store.Introduce(d.Domid, d.Name, d.Spec, d.StartTime));
            d.Monitor = Task.Run(() => MonitorAsync(d, instance), CancellationToken.None);
            var spec = d.Spec;
            _log.Info($"Domain {d.Domid} ({d.Name}) created: {spec.Kind.ToXenName()}, {spec.MemoryMiB} MiB, {spec.Vcpus} vCPU(s), " +
                      $"{AcceleratorSelector.Name(AcceleratorOf(spec))}, qemu pid {instance.Process.Pid}{(paused ? ", paused" : "")}");
        }
        finally
        {
            d.Settled.TrySetResult();
            _lock.Release();
        }
    }

    private Accelerator AcceleratorOf(DomainSpec spec) =>
        spec.Accel != AccelNames.Auto && AcceleratorSelector.TryParse(spec.Accel, out var forced) ? forced : _accel.Accelerator;

    /// <summary>The slow part of a create, outside the lock: kernel unpack, QEMU's argument vector, QEMU's start.</summary>
    private async Task<QemuInstance> LaunchAsync(Domain d, bool paused)
    {
        var spec = d.Spec;
        // pygrub runs on every start, so a guest that updated its kernel boots the new one; the
        // domain keeps its spec (kernel/ramdisk/cmdline come from the guest's disk).
        var loaded = await Task.Run(() => _bootloader.Prepare(spec, d.Domid, _paths.DomainRunDir(d.Domid)));
        // The machine boots the PVH-capable ELF; the domain keeps the kernel= it was given.
        var bootSpec = loaded.Kind == DomainKind.Pvh && loaded.Kernel is { } pvhKernel
            ? loaded with { Kernel = await Task.Run(() => _pvhKernels.Resolve(pvhKernel)) }
            : loaded;
        string? ovmfVars = null;
        if (spec.Hvm?.Bios == "ovmf")
        {
            Directory.CreateDirectory(_paths.DomainRunDir(d.Domid));
            ovmfVars = Path.Combine(_paths.DomainRunDir(d.Domid), "vars.fd");
            File.Copy(OvmfPaths.DebianVarsTemplate, ovmfVars, overwrite: true);
        }
        var machine = MachineMapper.Map(bootSpec, d.Files, AcceleratorOf(spec), paused, ovmfVars);
        var invocation = QemuCommandLine.Build(machine, _options.QemuExecutable);
        Directory.CreateDirectory(_paths.ConsoleLogDir);
        RotateConsoleLog(d.Files.ConsoleLog);
        return await _launcher.StartAsync(invocation, d.Files, CancellationToken.None);
    }

    private async Task ReleaseReservationAsync(Domain d)
    {
        await _lock.WaitAsync(CancellationToken.None);
        try
        {
            _domains.Remove(d.Domid);
            CleanRunDir(d.Domid);
            d.Settled.TrySetResult();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Hook: QEMU of a new domain is up (not yet registered, lock not held). Reads the vCPU threads,
    /// pins them to their hard affinity, sets the balloon target and the VNC password.
    /// </summary>
    private async Task OnQemuStartedAsync(Domain d, QemuInstance instance)
    {
        await ReadVcpuThreadsAsync(d, instance, CancellationToken.None);
        ApplyHardAffinity(d, d.Affinity, vcpu: null);
        await SetVncPasswordAsync(d, instance);
        if (d.Spec.StartsBallooned)
            await BalloonAsync(d, instance, d.TargetKb);
    }

    private static async Task SetVncPasswordAsync(Domain d, QemuInstance instance)
    {
        if (string.IsNullOrEmpty(d.Spec.Vnc.Password) || d.Spec.Hvm is null || !d.Spec.Vnc.Enabled)
            return;
        try
        {
            await instance.Qmp.SetVncPasswordAsync(d.Spec.Vnc.Password);
        }
        catch (QmpException e)
        {
            // Without its password the display would stay locked to everyone; say so and fail.
            throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": setting the VNC password failed: {e.Message}", e);
        }
    }

    private async Task BalloonAsync(Domain d, QemuInstance instance, long targetKb)
    {
        try
        {
            await instance.Qmp.BalloonAsync(Math.Max(1, targetKb) * 1024);
        }
        catch (QmpException e)
        {
            _log.Info($"Domain {d.Domid} ({d.Name}): balloon target {targetKb} KiB not set: {e.Message}");
        }
    }

    /// <summary>Pins the vCPU threads (all, or one) to their hard affinity; a thread with none gets every host CPU.</summary>
    private static void ApplyHardAffinity(Domain d, VcpuAffinities affinity, int? vcpu)
    {
        for (int i = 0; i < d.VcpuThreads.Count; i++)
        {
            if (vcpu is { } only && only != i)
                continue;
            var hard = affinity.HardOf(i);
            if (hard is null && vcpu is null)
                continue; // never pinned: leave QEMU's thread as it started
            try
            {
                CpuAffinity.Set(d.VcpuThreads[i], hard ?? AllHostCpus());
            }
            catch (CpuAffinityException e)
            {
                throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\" vCPU {i}: {e.Message}", e);
            }
        }
    }

    private static SortedSet<int> AllHostCpus() => [.. Enumerable.Range(0, Environment.ProcessorCount)];

    /// <summary>The host's CPU count, used to print "all" for a full affinity as xl does.</summary>
    public static int HostCpus => Environment.ProcessorCount;

    private static async Task ReadVcpuThreadsAsync(Domain domain, QemuInstance instance, CancellationToken cancel)
    {
        try
        {
            var cpus = await instance.Qmp.QueryCpusFastAsync(cancel);
            domain.VcpuThreads = cpus.OrderBy(c => c.Index).Select(c => c.ThreadId).ToList();
        }
        catch (QmpException)
        {
            domain.VcpuThreads = [];
        }
    }

    /// <summary>name.log → name.log.1 → ... as xl rotates its logs, so each boot starts a fresh file.</summary>
    private void RotateConsoleLog(string log)
    {
        if (!File.Exists(log))
            return;
        ConsoleLogRotator.ShiftGenerations(log, _options.ConsoleLogGenerations);
        File.Move(log, log + ".1");
    }

    private void CleanRunDir(int domid)
    {
        try
        {
            var dir = _paths.DomainRunDir(domid);
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // ---- admin requests ------------------------------------------------------------------

    public Task DestroyAsync(string idOrName, CancellationToken cancel = default) =>
        OnSettledAsync(idOrName, cancel, async d =>
        {
            _log.Info($"Domain {d.Domid} ({d.Name}) destroyed on request");
            await DestroyLockedAsync(d);
        });

    public Task PauseAsync(string idOrName, bool pause, CancellationToken cancel = default) =>
        OnSettledAsync(idOrName, cancel, async d =>
        {
            if (d.Qemu is not { } q || d.Phase != DomainPhase.Running)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            if (pause)
                await q.Qmp.StopAsync(cancel);
            else
                await q.Qmp.ContinueAsync(cancel);
            d.Paused = pause;
            _records.Save(d);
            _log.Info($"Domain {d.Domid} ({d.Name}) {(pause ? "paused" : "unpaused")}");
        });

    /// <summary>
    /// Runs <paramref name="action"/> under the lock on a domain that is not being created: a
    /// request for a domain still in phase Creating waits (without the lock) until its start
    /// settled, then looks the domain up again (a failed start makes it "not found").
    /// </summary>
    private async Task OnSettledAsync(string idOrName, CancellationToken cancel, Func<Domain, Task> action)
    {
        while (true)
        {
            Task settled;
            await _lock.WaitAsync(cancel);
            try
            {
                var d = Find(idOrName);
                if (d.Phase != DomainPhase.Creating)
                {
                    await action(d);
                    return;
                }
                settled = d.Settled.Task;
            }
            finally
            {
                _lock.Release();
            }
            await settled.WaitAsync(cancel);
        }
    }

    public Task RenameAsync(string idOrName, string newName, CancellationToken cancel = default) =>
        OnSettledAsync(idOrName, cancel, d =>
        {
            if (DomainName.Problem(newName) is { } badName) throw new EngineException(EngineErrorKind.Invalid, badName);
            if (_domains.Values.Any(o => o != d && o.Name == newName))
                throw new EngineException(EngineErrorKind.Conflict, $"Domain with name \"{newName}\" already exists.");
            _log.Info($"Domain {d.Domid} renamed from {d.Name} to {newName}");
            d.Name = newName;
            _records.Save(d);
            Publish(() => Store.Rename(d.Domid, newName, d.Spec));
            return Task.CompletedTask;
        });

    /// <summary>
    /// Graceful shutdown or reboot through the guest agent; without one, with
    /// <paramref name="acpiFallback"/> the ACPI power button (or a reset), else NoParavirt.
    /// Returns "agent" or "acpi".
    /// </summary>
    public async Task<string> ShutdownAsync(string idOrName, bool reboot, bool acpiFallback, CancellationToken cancel = default)
    {
        DomainSnapshot snap = null!;
        QemuInstance? q = null;
        await OnSettledAsync(idOrName, cancel, d =>
        {
            snap = SnapshotOf(d);
            q = d.Qemu;
            return Task.CompletedTask;
        });
        if (q is null || snap.Phase != DomainPhase.Running)
            throw new EngineException(EngineErrorKind.Conflict, $"Domain {snap.Domid} is not running");
        if (await GuestAgent.TryShutdownAsync(snap.Files.AgentSocket, reboot, _options.AgentTimeout, _time, cancel))
        {
            _log.Info($"Domain {snap.Domid}: {(reboot ? "reboot" : "shutdown")} requested through the guest agent");
            return "agent";
        }
        if (!acpiFallback)
            throw new EngineException(EngineErrorKind.NoParavirt, "PV control interface not available");
        try
        {
            if (reboot)
                await q.Qmp.SystemResetAsync(cancel);
            else
                await q.Qmp.SystemPowerdownAsync(cancel);
        }
        catch (Exception e) when (e is QmpDisconnectedException or ObjectDisposedException)
        {
            // The event can take effect (and the on_* action end QEMU) before QEMU's answer arrives.
        }
        _log.Info($"Domain {snap.Domid}: ACPI {(reboot ? "reset" : "power button")} event sent");
        return "acpi";
    }

    private async Task Locked(CancellationToken cancel, Func<Task> action)
    {
        await _lock.WaitAsync(cancel);
        try
        {
            await action();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task DestroyLockedAsync(Domain d)
    {
        d.Phase = DomainPhase.Dying;
        d.ExpectingExit = true;
        if (d.Qemu is { } q)
            await StopQemuAsync(q);
        d.Qemu = null;
        await Consoles.StopAsync(d.Domid);
        _domains.Remove(d.Domid);
        _records.Delete(d.Domid);
        CleanRunDir(d.Domid);
        Publish(() => Store.Release(d.Domid, d.Spec));
    }

    /// <summary>xenstore is a view for tools: a failure there is logged, never fatal to a guest.</summary>
    private void Publish(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            _log.Info($"xenstore update failed: {e.Message}");
        }
    }

    private async Task StopQemuAsync(QemuInstance q)
    {
        using (var quit = new CancellationTokenSource(_options.QuitTimeout, _time))
        {
            try
            {
                await q.Qmp.QuitAsync(quit.Token);
                await q.Process.WaitForExitAsync(TimeSpan.FromMilliseconds(20), _time, quit.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or QmpException or ObjectDisposedException)
            {
            }
        }
        q.Process.Kill();
        try
        {
            using var wait = new CancellationTokenSource(_options.QuitTimeout, _time);
            await q.Process.WaitForExitAsync(TimeSpan.FromMilliseconds(20), _time, wait.Token);
        }
        catch (OperationCanceledException)
        {
            _log.Info($"qemu pid {q.Process.Pid} did not exit after SIGKILL");
        }
        await q.DisposeAsync();
    }

    // ---- lifecycle -----------------------------------------------------------------------

    private async Task MonitorAsync(Domain d, QemuInstance q)
    {
        try
        {
            await foreach (var ev in q.Qmp.Events.ReadAllAsync())
            {
                ShutdownReason? reason = ev.Name switch
                {
                    "SHUTDOWN" => ReasonOf(ev),
                    "GUEST_PANICKED" => ShutdownReason.Crash,
                    _ => null,
                };
                if (reason is { } r)
                    await Locked(CancellationToken.None, () => ApplyActionLockedAsync(d, r, "QMP " + ev.Name));
            }
        }
        catch (Exception e) when (e is QmpException or IOException or System.Threading.Channels.ChannelClosedException)
        {
        }
        if (_stopping)
            return;
        await Locked(CancellationToken.None, async () =>
        {
            if (d.ExpectingExit || d.Qemu != q || !_domains.ContainsKey(d.Domid))
                return;
            if (q.Process.IsRunning())
            {
                _log.Info($"Domain {d.Domid} ({d.Name}): lost the QMP connection; QEMU still runs");
                return;
            }
            _log.Info($"Domain {d.Domid} ({d.Name}): QEMU (pid {q.Process.Pid}) exited unexpectedly");
            d.Qemu = null;
            await q.DisposeAsync();
            await ApplyActionLockedAsync(d, ShutdownReason.Crash, "QEMU exit");
        });
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

    private async Task ApplyActionLockedAsync(Domain d, ShutdownReason reason, string source)
    {
        if (d.Phase != DomainPhase.Running || !_domains.ContainsKey(d.Domid))
            return;
        var action = reason switch
        {
            ShutdownReason.Poweroff => d.Spec.OnPoweroff,
            ShutdownReason.Reboot => d.Spec.OnReboot,
            ShutdownReason.Crash => d.Spec.OnCrash,
            ShutdownReason.Watchdog => d.Spec.OnWatchdog,
            ShutdownReason.SoftReset => d.Spec.OnSoftReset,
            _ => ShutdownAction.Destroy,
        };
        int code = (int)reason;
        _log.Info($"Domain {d.Domid} has shut down, reason code {code} 0x{code:x} ({source})");
        _log.Info($"Action for shutdown reason code {code} is {action.ToXenName()}");
        d.Phase = DomainPhase.Shutdown;
        d.Reason = reason;
        _records.Save(d);

        if (action is ShutdownAction.CoredumpDestroy or ShutdownAction.CoredumpRestart)
            await DumpCoreAsync(d);

        switch (action)
        {
            case ShutdownAction.Preserve:
                if (d.Qemu is null)
                {
                    _log.Info($"Domain {d.Domid}: QEMU is gone, nothing to preserve; cleaning up");
                    await DestroyLockedAsync(d);
                }
                else
                {
                    _log.Info("Done. Exiting now");
                }
                break;
            case ShutdownAction.Restart or ShutdownAction.CoredumpRestart or ShutdownAction.SoftReset:
                _log.Info($"Domain {d.Domid} needs to be cleaned up: destroying the domain");
                await DestroyLockedAsync(d);
                RestartLocked(d.Spec, d.Name);
                break;
            case ShutdownAction.RenameRestart:
                var preservedName = d.Name + _time.GetUtcNow().ToString("'-'yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture);
                _log.Info($"Preserving domain {d.Domid} {d.Name} with suffix {preservedName[d.Name.Length..]}");
                string original = d.Name;
                var spec = d.Spec;
                d.Name = preservedName;
                if (d.Qemu is null)
                {
                    await DestroyLockedAsync(d);
                }
                else
                {
                    // A new UUID for the kept domain, as xl's preserve_domain: the restarted one
                    // keeps the config's, and each has its own /vm/<uuid> in xenstore.
                    Publish(() => Store.Release(d.Domid, spec));
                    d.Spec = spec with { Uuid = Guid.NewGuid() };
                    _records.Save(d);
                    Publish(() => Store.Introduce(d.Domid, preservedName, d.Spec, d.StartTime));
                }
                RestartLocked(spec, original);
                break;
            default:
                _log.Info($"Domain {d.Domid} needs to be cleaned up: destroying the domain");
                await DestroyLockedAsync(d);
                break;
        }
    }

    /// <summary>
    /// on_reboot's new domain: reserved here under the lock (so its name cannot be taken meanwhile),
    /// started by the same path as a create, outside the lock.
    /// </summary>
    private void RestartLocked(DomainSpec spec, string name)
    {
        Domain fresh;
        try
        {
            HostFiles.CheckBootFiles(spec);
            fresh = ReserveLocked(spec, name);
        }
        catch (EngineException e)
        {
            _log.Info($"Domain {name}: restart failed: {e.Message}");
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await StartReservedAsync(fresh, paused: false);
                _log.Info($"Done. Rebooting now (new domid {fresh.Domid})");
            }
            catch (EngineException e)
            {
                _log.Info($"Domain {name}: restart failed: {e.Message}");
            }
        }, CancellationToken.None);
    }

    private async Task DumpCoreAsync(Domain d)
    {
        if (d.Qemu is not { } q)
        {
            _log.Info($"Domain {d.Domid}: QEMU is gone, no core dump possible");
            return;
        }
        Directory.CreateDirectory(_paths.DumpDir);
        var file = _paths.DumpFile(d.Name);
        try
        {
            await q.Qmp.ExecuteAsync("dump-guest-memory", new JsonObject { ["paging"] = false, ["protocol"] = "file:" + file });
            _log.Info($"Domain {d.Domid}: core dumped to {file}");
        }
        catch (QmpException e)
        {
            _log.Info($"Domain {d.Domid}: core dump to {file} failed: {e.Message}");
        }
    }

    // ---- restart safety ------------------------------------------------------------------

    /// <summary>
    /// Re-adopts the guests of a previous xenod from their runtime records: reconnects QMP,
    /// catches up with shutdowns and crashes missed meanwhile; guests whose QEMU died get on_crash.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancel = default)
    {
        await _lock.WaitAsync(cancel);
        try
        {
            var records = new List<RuntimeRecord>();
            foreach (var (path, text) in _records.All())
            {
                try
                {
                    records.Add(RuntimeRecord.FromJson(text));
                }
                catch (InvalidDataException e)
                {
                    _log.Info($"ignoring {path}: {e.Message}");
                }
            }
            foreach (var r in records)
                _nextDomid = Math.Max(_nextDomid, r.Domid + 1);
            foreach (var r in records)
                await AdoptLockedAsync(r, cancel);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task AdoptLockedAsync(RuntimeRecord r, CancellationToken cancel)
    {
        // The password is not part of the spec's JSON; the record keeps it apart.
        var spec = r.VncPassword is { } password ? r.Spec with { Vnc = r.Spec.Vnc with { Password = password } } : r.Spec;
        var d = new Domain(r.Domid, spec, r.Files, r.StartTime) { Name = r.Name, Paused = r.Paused, Phase = DomainPhase.Running };
        d.TargetKb = r.TargetKb ?? d.TargetKb;
        d.MaxMemKb = r.MaxMemKb ?? d.MaxMemKb;
        d.Settled.TrySetResult();
        _domains[d.Domid] = d;
        var instance = await _launcher.AdoptAsync(r.Files, cancel);
        if (instance is null)
        {
            _log.Info($"Domain {d.Domid} ({d.Name}): QEMU died while xenod was down");
            if (r.Phase == DomainPhase.Shutdown)
                await DestroyLockedAsync(d);
            else
                await ApplyActionLockedAsync(d, ShutdownReason.Crash, "QEMU gone at re-adoption");
            return;
        }
        d.Qemu = instance;
        await Consoles.StartAsync(d.Domid, d.Files);
        await OnAdoptedAsync(d, instance, r);
        d.Monitor = Task.Run(() => MonitorAsync(d, instance), CancellationToken.None);
        _log.Info($"Domain {d.Domid} ({d.Name}) re-adopted, qemu pid {instance.Process.Pid}");
        if (r.Phase == DomainPhase.Shutdown)
        {
            d.Phase = DomainPhase.Shutdown;
            d.Reason = r.Reason;
            return;
        }
        var status = await instance.Qmp.QueryStatusAsync(cancel);
        if (status.Status == "shutdown")
            await ApplyActionLockedAsync(d, ShutdownReason.Poweroff, "found shut down at re-adoption");
        else if (status.Status == "guest-panicked")
            await ApplyActionLockedAsync(d, ShutdownReason.Crash, "found crashed at re-adoption");
    }

    /// <summary>
    /// Hook: a running QEMU was re-adopted. The vCPU threads are read again, their hard affinity
    /// from the kernel (/proc Cpus_allowed_list: what is really enforced), the soft one from the
    /// record; the VNC password is set again in case the previous xenod died before setting it.
    /// </summary>
    private async Task OnAdoptedAsync(Domain d, QemuInstance instance, RuntimeRecord r)
    {
        await ReadVcpuThreadsAsync(d, instance, CancellationToken.None);
        var hard = new List<IReadOnlySet<int>?>();
        int hostCpus = HostCpus;
        foreach (var tid in d.VcpuThreads)
        {
            var allowed = _proc.ThreadAllowedCpus(instance.Process.Pid, tid);
            hard.Add(allowed is null || Enumerable.Range(0, hostCpus).All(allowed.Contains) ? null : allowed);
        }
        d.Affinity = new VcpuAffinities(hard, r.SoftAffinity);
        try
        {
            await SetVncPasswordAsync(d, instance);
        }
        catch (EngineException e)
        {
            _log.Info(e.Message);
        }
    }

    /// <summary>Stops supervising; guests keep running (they are re-adopted by the next xenod).</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        // Creates in flight finish first (their record is written, so the next xenod re-adopts them).
        Task[] creating;
        await _lock.WaitAsync();
        try
        {
            creating = _domains.Values.Where(d => d.Phase == DomainPhase.Creating).Select(d => d.Settled.Task).ToArray();
        }
        finally
        {
            _lock.Release();
        }
        await Task.WhenAll(creating);
        await _lock.WaitAsync();
        try
        {
            await Consoles.DisposeAsync();
            foreach (var d in _domains.Values)
            {
                if (d.Qemu is { } q)
                    await q.DisposeAsync();
            }
        }
        finally
        {
            _lock.Release();
        }
    }
}
