using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>What happened to a domain (snake_case on the wire: the names are spelled out, as the source generator has no enum naming policy).</summary>
public enum DomainEventKind
{
    /// <summary>A domain was reserved and is being built (phase creating).</summary>
    [JsonStringEnumMemberName("created")]
    Created,
    /// <summary>Its phase changed (see <see cref="DomainEvent.Phase"/>).</summary>
    [JsonStringEnumMemberName("phase")]
    Phase,
    [JsonStringEnumMemberName("paused")]
    Paused,
    [JsonStringEnumMemberName("unpaused")]
    Unpaused,
    [JsonStringEnumMemberName("renamed")]
    Renamed,
    /// <summary>The guest shut down: <see cref="DomainEvent.Reason"/> and the on_* <see cref="DomainEvent.Action"/> chosen.</summary>
    [JsonStringEnumMemberName("shutdown")]
    Shutdown,
    /// <summary>The guest crashed (a shutdown with reason crash, or QEMU died).</summary>
    [JsonStringEnumMemberName("crashed")]
    Crashed,
    /// <summary>The domain was restarted by its on_* action as <see cref="DomainEvent.NewDomid"/>.</summary>
    [JsonStringEnumMemberName("restarted")]
    Restarted,
    /// <summary>The domain is gone.</summary>
    [JsonStringEnumMemberName("destroyed")]
    Destroyed,
    /// <summary>A device was added, changed or removed (<see cref="DomainEvent.Device"/>).</summary>
    [JsonStringEnumMemberName("device")]
    Device,
    /// <summary>
    /// Stream marker, not a domain event (first in a stream): xenod's bounded history no longer
    /// holds every event after the id asked for; <see cref="DomainEvent.Message"/> says which.
    /// Its id is the one before the oldest event kept. Domid is -1.
    /// </summary>
    [JsonStringEnumMemberName("events_lost")]
    EventsLost,
    /// <summary>
    /// Stream marker, not a domain event (last in a stream): this reader fell too far behind and
    /// was dropped. Its id is the last event the reader got: reconnect with after=id. Domid is -1.
    /// </summary>
    [JsonStringEnumMemberName("stream_dropped")]
    StreamDropped,
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
