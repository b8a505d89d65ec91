using Xeno.Config.Domain;
using Xeno.Engine.Consoles;
using Xeno.Engine.Domains.Lifecycle;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Engine.Events;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains;

/// <summary>
/// The engine's public face (the API calls it). Behind it: <see cref="DomainRegistry"/> (names,
/// domids), one <see cref="DomainSupervisor"/> per domain (its operations serialised, its phase),
/// <see cref="DomainLifecycle"/> (start, on_* actions, destroy, re-adoption) and
/// <see cref="DomainRequests"/> (pause, rename, shutdown, tuning). No lock is shared by domains
/// beyond the registry's short one; every QMP call has a deadline.
/// </summary>
public sealed class DomainEngine : IAsyncDisposable
{
    /// <summary>libxl's refusal of a target above the static maximum (xl mem-set).</summary>
    public const string TargetAboveMaxMessage = "memory_dynamic_max must be less than or equal to memory_static_max";
    /// <summary>libxl's refusal of a maximum below the current target (xl mem-max), its doubled "or" included.</summary>
    public const string MaxBelowTargetMessage = "memory_static_max must be greater than or or equal to memory_dynamic_max";
    /// <summary>What libxl logs when the hypervisor refuses an affinity (bad vCPU, empty map).</summary>
    public const string AffinityRefusedMessage = "Setting vcpu affinity: Invalid argument";

    private readonly EngineContext _context;
    private readonly DomainRegistry _registry;
    private readonly DomainLifecycle _lifecycle;
    private readonly DomainRequests _requests;
    private readonly Devices.Block.BlockDevices _blocks;
    private readonly Network.Hotplug.NicHotplug _nics;
    private readonly Requests.RuntimeControlRequests _control;
    private readonly Statistics.StatisticsCollector _statistics;
    private readonly Resources.SchedRequests _sched;
    private readonly Migration.SaveRestoreRequests _saveRestore;
    private readonly Consoles.Vnc.VncConnector _vnc;

    public DomainEngine(EnginePaths paths, EngineLog log, TimeProvider time, AcceleratorChoice accelerator,
        EngineOptions? options = null, ProcFs? proc = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new EngineOptions();
        Consoles = new ConsoleHubs(new ConsoleHubOptions
        {
            RingBytes = options.ConsoleRingBytes, LogMaxBytes = options.ConsoleLogMaxBytes,
            ClientBacklogBytes = options.ConsoleClientBacklogBytes, LogGenerations = options.ConsoleLogGenerations,
        }, time, log.Info);
        _context = new EngineContext
        {
            Paths = paths, Log = log, Time = time, Options = options, Proc = proc ?? ProcFs.Host,
            Records = new RuntimeRecordStore(paths.RecordDir), Consoles = Consoles, Accelerator = accelerator,
            Cgroups = options.Cgroups ? Resources.CgroupHost.Detect(paths.Prefix, options.CgroupParent) : Resources.CgroupHost.Off("turned off (EngineOptions.Cgroups)"),
            Scheduler = new Resources.HostScheduler(options.Scheduler),
        };
        log.Info(_context.Cgroups.Enforcing
            ? $"cpu_weight and cap enforced by {_context.Cgroups.Plan.Why}, in {_context.Cgroups.Plan.InstanceDir}"
            : $"cpu_weight and cap are not enforced: {_context.Cgroups.Plan.Why}");
        _registry = new DomainRegistry(new DomidCounter(paths.NextDomidFile));
        _lifecycle = new DomainLifecycle(_context, _registry);
        _requests = new DomainRequests(_context, _registry);
        _blocks = new Devices.Block.BlockDevices(_context, _registry);
        _nics = new Network.Hotplug.NicHotplug(_context, _registry);
        _control = new Requests.RuntimeControlRequests(_context, _registry);
        _statistics = new Statistics.StatisticsCollector(_context, _registry);
        _sched = new Resources.SchedRequests(_context, _registry);
        _saveRestore = new Migration.SaveRestoreRequests(_context, _registry, _lifecycle);
        _vnc = new Consoles.Vnc.VncConnector(_registry);
        LiveMigration = new Migration.LiveMigrationRequests(_context, _registry, _lifecycle);
    }

    /// <summary>The console hubs of running domains (xl console's socket, recent output).</summary>
    public ConsoleHubs Consoles { get; }

    /// <summary>Where domains are published in xenstore (EngineHost sets the embedded store).</summary>
    public Store.IDomainStore Store { get => _context.Store; set => _context.Store = value; }

    /// <summary>Where domain events go (created, phase changes, shutdown, restart, destroyed …).</summary>
    public IDomainEventSink Events { get => _context.Events; set => _context.Events = value; }

    public EngineLog Log => _context.Log;
    public Hosting.EnginePaths Paths => _context.Paths;
    public AcceleratorChoice Accelerator => _context.Accelerator;

    /// <summary>The host's CPU count, used to print "all" for a full affinity as xl does.</summary>
    public static int HostCpus => Environment.ProcessorCount;

    // ---- queries: never wait on a domain's operations ------------------------------------

    /// <summary>The domain with this domid, or null (for xenstore watches, which name domains by domid).</summary>
    internal Domain? FindByDomid(int domid) => _registry.All().FirstOrDefault(s => s.Domain.Domid == domid)?.Domain;

    public Task<IReadOnlyList<DomainSnapshot>> ListAsync(CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<DomainSnapshot>>(
            _registry.All().Select(s => DomainSnapshots.Of(s.Domain, _context.Proc)).ToList());

    /// <summary>What the host's memory account needs of each domain (GET /v1/host): no /proc reads.</summary>
    public IReadOnlyList<GuestMemoryUse> MemoryUse() =>
        [.. _registry.All().Select(s => new GuestMemoryUse(s.Domain.TargetKb, s.Domain.Qemu?.Process.Pid))];

    /// <summary>A domain by id (all digits) or name, as xl's find_domain does.</summary>
    public Task<DomainSnapshot> GetAsync(string idOrName, CancellationToken cancel = default) =>
        Task.FromResult(DomainSnapshots.Of(_registry.Find(idOrName).Domain, _context.Proc));

    // ---- lifecycle -----------------------------------------------------------------------

    /// <summary>Builds and starts a domain; returns its domid once QEMU runs.</summary>
    public Task<int> CreateAsync(DomainSpec spec, bool paused, CancellationToken cancel = default) =>
        _lifecycle.CreateAsync(spec, paused);

    public async Task DestroyAsync(string idOrName, CancellationToken cancel = default)
    {
        var s = _registry.Find(idOrName);
        await _lifecycle.DestroyAsync(s, cancel);
        // An incoming copy destroyed before its hand-over takes the disks it received with it.
        LiveMigration.Destroyed(s.Domain.Domid, s.Domain.Name);
    }

    /// <summary>Re-adopts the guests of a previous xenod from their runtime records.</summary>
    public async Task RecoverAsync(CancellationToken cancel = default)
    {
        await _lifecycle.RecoverAsync(cancel);
        LiveMigration.AdoptCopiedDisks();
    }

    // ---- requests on one domain ----------------------------------------------------------

    public Task PauseAsync(string idOrName, bool pause, CancellationToken cancel = default) =>
        _requests.PauseAsync(idOrName, pause, cancel);

    public Task RenameAsync(string idOrName, string newName, CancellationToken cancel = default) =>
        _requests.RenameAsync(idOrName, newName, cancel);

    /// <summary>
    /// Graceful shutdown or reboot through the guest agent; without one, with
    /// <paramref name="acpiFallback"/> the ACPI power button (or a reset), else NoParavirt.
    /// Returns "agent" or "acpi".
    /// </summary>
    public Task<string> ShutdownAsync(string idOrName, bool reboot, bool acpiFallback, CancellationToken cancel = default) =>
        _requests.ShutdownAsync(idOrName, reboot, acpiFallback, cancel);

    /// <summary>xl mem-set: the balloon target, sent to a balloon driver when the guest has one.</summary>
    public Task SetMemoryTargetAsync(string idOrName, long targetKb, CancellationToken cancel = default) =>
        _requests.SetMemoryTargetAsync(idOrName, targetKb, cancel);

    /// <summary>xl mem-max: the static maximum (never below the target nor above QEMU's RAM).</summary>
    public Task SetMemoryMaxAsync(string idOrName, long maxKb, CancellationToken cancel = default) =>
        _requests.SetMemoryMaxAsync(idOrName, maxKb, cancel);

    /// <summary>xl vcpu-pin: <paramref name="vcpu"/> null for every vCPU; a null set leaves that affinity as it is.</summary>
    public Task PinVcpuAsync(string idOrName, int? vcpu, IReadOnlySet<int>? hard, IReadOnlySet<int>? soft, CancellationToken cancel = default) =>
        _requests.PinVcpuAsync(idOrName, vcpu, hard, soft, cancel);

    // ---- block devices (Devices/Block) ---------------------------------------------------

    /// <summary>xl block-list: the domain's disks in device-number order.</summary>
    public Task<IReadOnlyList<Xeno.Api.Contracts.BlockDeviceInfo>> ListDisksAsync(string idOrName, CancellationToken cancel = default) =>
        Task.FromResult(_blocks.List(idOrName));

    /// <summary>xl block-attach.</summary>
    public Task AttachDiskAsync(string idOrName, Xeno.Api.Contracts.BlockAttachRequest request, CancellationToken cancel = default) =>
        _blocks.AttachAsync(idOrName, request, cancel);

    /// <summary>xl block-detach [-f].</summary>
    public Task DetachDiskAsync(string idOrName, Xeno.Api.Contracts.BlockDetachRequest request, CancellationToken cancel = default) =>
        _blocks.DetachAsync(idOrName, request, cancel);

    /// <summary>xl cd-insert (a path) and cd-eject (null).</summary>
    public Task ChangeCdAsync(string idOrName, string vdev, string? path, string format, CancellationToken cancel = default) =>
        _blocks.ChangeMediumAsync(idOrName, vdev, path, format, cancel);

    // ---- NICs (Network/Hotplug) -----------------------------------------------------------

    /// <summary>xl network-attach.</summary>
    public Task AttachNicAsync(string idOrName, Xeno.Api.Contracts.NicAttachRequest request, CancellationToken cancel = default) =>
        _nics.AttachAsync(idOrName, request, cancel);

    /// <summary>xl network-detach.</summary>
    public Task DetachNicAsync(string idOrName, Xeno.Api.Contracts.NicDetachRequest request, CancellationToken cancel = default) =>
        _nics.DetachAsync(idOrName, request, cancel);

    // ---- run-time control (Domains/Requests/RuntimeControlRequests.cs) and xentop -------

    /// <summary>xl vcpu-set: CPU hot-plug up or down to <paramref name="count"/> (1..maxvcpus).</summary>
    public Task SetVcpusAsync(string idOrName, int count, CancellationToken cancel = default) =>
        _control.SetVcpusAsync(idOrName, count, cancel);

    /// <summary>xl trigger: power, reset, nmi, s3resume (sleep and init are refused: QEMU has neither).</summary>
    public Task TriggerAsync(string idOrName, string trigger, CancellationToken cancel = default) =>
        _control.TriggerAsync(idOrName, trigger, cancel);

    /// <summary>xl sysrq: Alt+SysRq+key typed on the guest's keyboard.</summary>
    public Task SysrqAsync(string idOrName, string key, CancellationToken cancel = default) =>
        _control.SysrqAsync(idOrName, key, cancel);

    /// <summary>A new connection to an hvm domain's VNC server (RFB from its greeting on; no listener involved).</summary>
    public Task<System.Net.Sockets.Socket> ConnectVncAsync(string idOrName, CancellationToken cancel = default) =>
        _vnc.ConnectAsync(idOrName, cancel);

    /// <summary>xl dump-core: an ELF core of guest memory at an absolute host path.</summary>
    public Task DumpCoreAsync(string idOrName, string path, CancellationToken cancel = default) =>
        _control.DumpCoreAsync(idOrName, path, cancel);

    // ---- save / restore (Migration/, docs/migration.md) ----------------------------------

    /// <summary>xl migrate / migrate-receive's engine side (Migration/LiveMigrationRequests).</summary>
    internal Migration.LiveMigrationRequests LiveMigration { get; }

    /// <summary>xl save: the domain's state to an absolute path; destroyed after unless <paramref name="checkpoint"/> or <paramref name="leavePaused"/>. Returns the xl header's info.</summary>
    public Task<string> SaveAsync(string idOrName, string path, bool checkpoint, bool leavePaused, DomainSpec? config = null, CancellationToken cancel = default) =>
        _saveRestore.SaveAsync(idOrName, path, checkpoint, leavePaused, config, cancel);

    /// <summary>xl restore: a new domain (new domid, same name and UUID) continuing from the file. Returns its domid.</summary>
    public Task<int> RestoreAsync(string path, bool paused, DomainSpec? config = null, CancellationToken cancel = default) =>
        _saveRestore.RestoreAsync(path, paused, config, cancel);

    /// <summary>xentop's figures; never waits on a domain's operations, each QEMU asked under a short deadline.</summary>
    public Task<IReadOnlyList<Xeno.Api.Contracts.DomainStatistics>> StatisticsAsync(CancellationToken cancel = default) =>
        _statistics.CollectAsync(cancel);
    /// <summary>xl sched-credit -d: the domain's weight and cap.</summary>
    public Task<Resources.SchedParams> GetSchedAsync(string idOrName, CancellationToken cancel = default) =>
        Task.FromResult(_sched.Get(idOrName));

    /// <summary>xl sched-credit -d -w/-c: null leaves that one unchanged; Xen's range errors as Invalid.</summary>
    public Task SetSchedAsync(string idOrName, int? weight, int? cap, CancellationToken cancel = default) =>
        _sched.SetAsync(idOrName, weight, cap, cancel);

    /// <summary>The scheduler xenod stands for and Pool-0's parameters (xl sched-credit -s, xl info).</summary>
    internal Resources.HostScheduler Scheduler => _context.Scheduler;

    /// <summary>Where weight and cap are enforced (docs/resources.md).</summary>
    internal Resources.CgroupHost Cgroups => _context.Cgroups;

    /// <summary>QEMU's SHUTDOWN reasons; null for exits xenod itself caused.</summary>
    internal static ShutdownReason? ReasonOf(QmpEvent ev) => DomainLifecycle.ReasonOf(ev);

    /// <summary>Stops supervising; guests keep running (they are re-adopted by the next xenod).</summary>
    public async ValueTask DisposeAsync() => await _lifecycle.StopSupervisingAsync();
}
