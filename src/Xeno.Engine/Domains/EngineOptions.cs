using Xeno.Qemu.Machine;

namespace Xeno.Engine.Domains;

/// <summary>Knobs of the engine that tests and the daemon set.</summary>
public sealed record EngineOptions
{
    public string QemuExecutable { get; init; } = QemuCommandLine.DefaultExecutable;
    /// <summary>How long to wait for a guest agent before "PV control interface not available".</summary>
    public TimeSpan AgentTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long QEMU gets to quit before it is killed.</summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long to wait for a SIGKILLed QEMU to be gone (only logged when it is not).</summary>
    public TimeSpan KillTimeout { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// The deadline of every QMP call that names none: past it the domain's request fails with
    /// "QEMU of domain N is not responding" and the domain is listed as not responding.
    /// </summary>
    public TimeSpan QmpTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The deadline of dump-guest-memory (on_crash="coredump-*"), which answers only when the dump is written.</summary>
    public TimeSpan CoreDumpTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How long QEMU may take to write or read a domain's state (xl save / restore).</summary>
    public TimeSpan MigrationTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How many rotated console logs to keep (name.log.1 ... .N), as xl does with 10.</summary>
    public int ConsoleLogGenerations { get; init; } = 10;
    /// <summary>A group that may use the API socket besides root (xenod run --socket-group); null: root only.</summary>
    public string? ApiSocketGroup { get; init; }
    /// <summary>Run the xenstore server inside xenod (socket &lt;prefix&gt;/run/xenstored/socket) and publish domains there.</summary>
    public bool EmbeddedXenstore { get; init; } = true;
    /// <summary>Recent console output kept in memory per domain (GET /v1/domains/{dom}/console).</summary>
    public int ConsoleRingBytes { get; init; } = 64 * 1024;
    /// <summary>A running console log is rotated (copy-then-truncate) past this size; 0: only at domain start.</summary>
    public long ConsoleLogMaxBytes { get; init; } = 1024 * 1024;
    /// <summary>Output queued for one console client before it is dropped as too slow.</summary>
    public long ConsoleClientBacklogBytes { get; init; } = 256 * 1024;
    /// <summary>Enforce cpu_weight= and cap= with a cgroup per domain (docs/resources.md); off: kept, not enforced.</summary>
    public bool Cgroups { get; init; } = true;
    /// <summary>The cgroup directory this xenod's subtree (xeno-&lt;hash of the prefix&gt;) goes under; null: detected.</summary>
    public string? CgroupParent { get; init; }
    /// <summary>The scheduler xl info and xl sched-* report: "credit" (Xen's classic) or "credit2".</summary>
    public string Scheduler { get; init; } = "credit";
}
