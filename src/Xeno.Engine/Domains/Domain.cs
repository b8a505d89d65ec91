using Xeno.Config.Domain;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains;

/// <summary>
/// One domain as xenod keeps it. Mutated only under the engine's lock; readers take a
/// <see cref="DomainSnapshot"/>.
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

    public DomainSnapshot Snapshot(TimeSpan cpuTime, IReadOnlyList<VcpuInfo> vcpus) => new(
        Domid, Name, Spec, Phase, Paused, Reason, StartTime, Files, Qemu?.Process.Pid, cpuTime, vcpus);
}

/// <summary>Per-vCPU facts for xl vcpu-list.</summary>
public sealed record VcpuInfo(int Index, bool Running, TimeSpan CpuTime, int HostCpu);

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
    /// <summary>xl list's six state letters: r b p s (reason) d.</summary>
    public string StateLetters
    {
        get
        {
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
