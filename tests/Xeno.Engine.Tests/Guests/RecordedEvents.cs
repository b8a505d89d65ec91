using Xeno.Api.Contracts;
using Xeno.Engine.Events;

namespace Xeno.Engine.Tests.Guests;

/// <summary>An event sink that keeps what the engine published, for tests that check events' order and fields.</summary>
internal sealed class RecordedEvents : IDomainEventSink
{
    private readonly List<DomainEvent> _events = [];

    public void Publish(DomainEvent e)
    {
        lock (_events)
            _events.Add(e);
    }

    /// <summary>The events of one domid, each as a short line ("phase running", "shutdown reboot 1 restart", …).</summary>
    public List<string> Lines(int domid)
    {
        lock (_events)
        {
            return _events.Where(e => e.Domid == domid).Select(e => e.Kind switch
            {
                DomainEventKind.Phase => "phase " + e.Phase,
                DomainEventKind.Shutdown => $"shutdown {e.Reason} {e.ReasonCode} {e.Action}",
                DomainEventKind.Renamed => $"renamed {e.OldName} -> {e.Name}",
                DomainEventKind.Restarted => $"restarted {e.Name} as {e.NewDomid}" + (e.OldName is null ? "" : $", kept {e.OldName}"),
                _ => e.Kind.ToString().ToLowerInvariant(),
            }).ToList();
        }
    }
}
