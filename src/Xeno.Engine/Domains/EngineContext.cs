using Xeno.Api.Contracts;
using Xeno.Engine.Consoles;
using Xeno.Engine.Events;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains;

/// <summary>What every part of the engine shares: paths, log, clock, options, records, consoles, store and event sink.</summary>
internal sealed class EngineContext
{
    public required EnginePaths Paths { get; init; }
    public required EngineLog Log { get; init; }
    public required TimeProvider Time { get; init; }
    public required EngineOptions Options { get; init; }
    public required ProcFs Proc { get; init; }
    public required RuntimeRecordStore Records { get; init; }
    public required ConsoleHubs Consoles { get; init; }
    public required AcceleratorChoice Accelerator { get; init; }
    /// <summary>This xenod's cgroup subtree (weight and cap of each domain).</summary>
    public Resources.CgroupHost Cgroups { get; init; } = Resources.CgroupHost.Off("not configured");
    /// <summary>The scheduler xl info and xl sched-* report, and Pool-0's parameters.</summary>
    public Resources.HostScheduler Scheduler { get; init; } = new("credit");
    public Store.IDomainStore Store { get; set; } = Xeno.Engine.Store.IDomainStore.None;
    public IDomainEventSink Events { get; set; } = IDomainEventSink.None;

    /// <summary>Set when xenod stops: guests keep running for the next xenod.</summary>
    public bool Stopping { get => Volatile.Read(ref _stopping); set => Volatile.Write(ref _stopping, value); }
    private bool _stopping;

    /// <summary>xenstore is a view for tools: a failure there is logged, never fatal to a guest.</summary>
    public void Publish(Action<Store.IDomainStore> write)
    {
        try
        {
            write(Store);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            Log.Info($"xenstore update failed: {e.Message}");
        }
    }

    /// <summary>Publishes an event about <paramref name="d"/> (id and time are the sink's).</summary>
    public void Emit(DomainEventKind kind, Domain d, Func<DomainEvent, DomainEvent>? with = null)
    {
        var e = new DomainEvent { Kind = kind, Domid = d.Domid, Name = d.Name };
        Events.Publish(with is null ? e : with(e));
    }
}
