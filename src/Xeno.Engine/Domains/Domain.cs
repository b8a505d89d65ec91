using Xeno.Config.Domain;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains;

/// <summary>
/// One domain as xenod keeps it. Mutated only by its supervisor (under the domain's own gate, or
/// while it is being built and nothing else may touch it); readers take a <see cref="DomainSnapshot"/>.
/// </summary>
internal sealed class Domain
{
    public Domain(int domid, DomainSpec spec, RuntimeFiles files, DateTimeOffset startTime)
    {
        Domid = domid;
        Spec = spec;
        Name = spec.Name;
        Files = files;
        StartTime = startTime;
        TargetKb = spec.MemoryMiB * 1024;
        MaxMemKb = spec.GuestRamMiB * 1024;
    }

    public int Domid { get; }
    /// <summary>
    /// The config it was created from (its name may since have changed: see <see cref="Name"/>;
    /// a domain kept by rename-restart gets a new UUID, as libxl_domain_preserve gives it).
    /// </summary>
    public DomainSpec Spec { get; set; }
    public string Name { get; set; }
    public RuntimeFiles Files { get; }
    public DateTimeOffset StartTime { get; }
    public DomainPhase Phase { get; set; } = DomainPhase.Creating;
    /// <summary>Paused by the admin (xl pause, create -p).</summary>
    public bool Paused { get; set; }
    public ShutdownReason? Reason { get; set; }
    public QemuInstance? Qemu { get; set; }
    /// <summary>Host thread ids of the vCPUs (from query-cpus-fast once at start).</summary>
    public IReadOnlyList<int> VcpuThreads { get; set; } = [];
    /// <summary>Set when xenod itself ends QEMU, so its exit is not taken for a crash.</summary>
    public bool ExpectingExit { get; set; }
    public Task? Monitor { get; set; }
    /// <summary>False once a QMP call missed its deadline; true again when QEMU answers.</summary>
    public bool Responding { get => Volatile.Read(ref _responding); set => Volatile.Write(ref _responding, value); }
    private bool _responding = true;
    /// <summary>Completes when a domain leaves <see cref="DomainPhase.Creating"/> (started, or its start failed).</summary>
    public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Balloon target (xl mem-set) in KiB; starts at memory=.</summary>
    public long TargetKb { get; set; }
    /// <summary>Static maximum (xl mem-max) in KiB; starts at maxmem= (or memory=).</summary>
    public long MaxMemKb { get; set; }
    /// <summary>Current hard and soft affinity per vCPU, null entries meaning all host CPUs.</summary>
    public VcpuAffinities Affinity { get; set; } = VcpuAffinities.None;
    /// <summary>Weight and cap as the CPU controller enforces them (cpu_weight=, cap=, xl sched-credit).</summary>
    public Resources.SchedParams Sched { get; set; } = Resources.SchedParams.Default;
    /// <summary>The host side of its vifs (taps, routes; Network/), undone at destroy.</summary>
    public Network.HostNetworkEffects Network { get; set; } = Xeno.Engine.Network.HostNetworkEffects.Empty;
    /// <summary>QMP events device changes wait for (DEVICE_DELETED), fed by the QMP monitor.</summary>
    public Devices.DeviceEvents DeviceEvents { get; } = new();

    public DomainSnapshot Snapshot(TimeSpan cpuTime, IReadOnlyList<VcpuInfo> vcpus) => new(
        Domid, Name, Spec, Phase, Paused, Reason, StartTime, Files, Qemu?.Process.Pid, cpuTime, vcpus)
    {
        TargetKb = TargetKb,
        MaxMemKb = MaxMemKb,
        Responding = Responding,
    };
}

/// <summary>Per-vCPU facts for xl vcpu-list; affinities null when the vCPU may use every host CPU.</summary>
public sealed record VcpuInfo(int Index, bool Running, TimeSpan CpuTime, int HostCpu)
{
    public IReadOnlySet<int>? Hard { get; init; }
    public IReadOnlySet<int>? Soft { get; init; }
}

/// <summary>A consistent, immutable view of a domain for the API.</summary>
public sealed record DomainSnapshot(
    int Domid,
    string Name,
    DomainSpec Spec,
    DomainPhase Phase,
    bool Paused,
    ShutdownReason? Reason,
    DateTimeOffset StartTime,
    RuntimeFiles Files,
    int? QemuPid,
    TimeSpan CpuTime,
    IReadOnlyList<VcpuInfo> Vcpus)
{
    /// <summary>The balloon target in KiB (xl list's Mem column is this / 1024).</summary>
    public long TargetKb { get; init; } = Spec.MemoryMiB * 1024;
    public long MaxMemKb { get; init; } = Spec.GuestRamMiB * 1024;
    /// <summary>False when its QEMU missed a QMP deadline (stopped or hung); xl destroy still works.</summary>
    public bool Responding { get; init; } = true;

    /// <summary>xl list's six state letters: r b p s (reason) d.</summary>
    public string StateLetters
    {
        get
        {
            // A domain being built shows as Xen shows it: paused until its vCPUs first run.
            if (Phase == DomainPhase.Creating)
                return "--p---";
            bool shut = Phase == DomainPhase.Shutdown;
            bool running = !shut && !Paused && Phase == DomainPhase.Running && Vcpus.Any(v => v.Running);
            bool blocked = !shut && !Paused && Phase == DomainPhase.Running && !running;
            return new string([
                running ? 'r' : '-',
                blocked ? 'b' : '-',
                Paused ? 'p' : '-',
                shut ? 's' : '-',
                shut && Reason is { } r ? ShutdownReasonLetters.Letter(r) : '-',
                Phase == DomainPhase.Dying ? 'd' : '-',
            ]);
        }
    }
}

/// <summary>A domain's share of the host's memory account: its balloon target and its QEMU, if one runs.</summary>
public sealed record GuestMemoryUse(long TargetKb, int? QemuPid);
