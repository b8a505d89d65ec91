namespace Xeno.Api.Contracts;

/// <summary>What happened to a domain (snake_case on the wire).</summary>
public enum DomainEventKind
{
    /// <summary>A domain was reserved and is being built (phase creating).</summary>
    Created,
    /// <summary>Its phase changed (see <see cref="DomainEvent.Phase"/>).</summary>
    Phase,
    Paused,
    Unpaused,
    Renamed,
    /// <summary>The guest shut down: <see cref="DomainEvent.Reason"/> and the on_* <see cref="DomainEvent.Action"/> chosen.</summary>
    Shutdown,
    /// <summary>The guest crashed (a shutdown with reason crash, or QEMU died).</summary>
    Crashed,
    /// <summary>The domain was restarted by its on_* action as <see cref="DomainEvent.NewDomid"/>.</summary>
    Restarted,
    /// <summary>The domain is gone.</summary>
    Destroyed,
    /// <summary>A device was added, changed or removed (<see cref="DomainEvent.Device"/>).</summary>
    Device,
}

/// <summary>
/// One entry of xenod's event stream (GET /v1/events). Ids increase by one per event and keep
/// increasing across xenod restarts, so a client resumes with ?after=&lt;last id seen&gt;.
/// </summary>
public sealed record DomainEvent
{
    public long Id { get; init; }
    public DateTimeOffset Time { get; init; }
    public DomainEventKind Kind { get; init; }
    public int Domid { get; init; }
    public string Name { get; init; } = "";
    /// <summary>The phase after the event (creating, running, shutdown, dying, …), where it changed.</summary>
    public string? Phase { get; init; }
    /// <summary>Xen's shutdown reason name (poweroff, reboot, suspend, crash, watchdog, soft_reset).</summary>
    public string? Reason { get; init; }
    /// <summary>Xen's shutdown reason code (xl prints it: "reason code 1 0x1").</summary>
    public int? ReasonCode { get; init; }
    /// <summary>The on_* action taken (destroy, restart, preserve, rename-restart, coredump-destroy, …).</summary>
    public string? Action { get; init; }
    /// <summary>For restarted: the new domain's id.</summary>
    public int? NewDomid { get; init; }
    /// <summary>For renamed: the previous name; for restarted by rename-restart: the kept domain's name.</summary>
    public string? OldName { get; init; }
    /// <summary>For device: e.g. "vbd 51712 added".</summary>
    public string? Device { get; init; }
    /// <summary>Free text for humans (why QEMU died, ...).</summary>
    public string? Message { get; init; }
}
