using System.Threading.Channels;
using Xeno.Api.Contracts;

namespace Xeno.Engine.Events;

/// <summary>
/// One reader of the event log: an optional events_lost marker, the replayed history, then live
/// events from a bounded queue. If the queue fills (the reader is too slow) the log drops the
/// subscription; the reader then gets what was queued and a final stream_dropped marker whose
/// id is the last event it received, so resuming after that id loses nothing still in history.
/// </summary>
public sealed class EventSubscription : IDisposable
{
    private readonly EventLog _log;
    private readonly Queue<DomainEvent> _pending;
    private readonly Channel<DomainEvent> _live;
    private readonly Func<DomainEvent, bool>? _filter;
    private readonly TimeProvider _time;
    private readonly int _queue;
    private long _lastDelivered;
    private volatile bool _overflowed;
    private bool _markerSent;

    internal EventSubscription(EventLog log, DomainEvent? lost, List<DomainEvent> replay, Func<DomainEvent, bool>? filter,
        int queue, long lastDelivered, TimeProvider time)
    {
        _log = log;
        _filter = filter;
        _queue = queue;
        _time = time;
        _lastDelivered = lastDelivered;
        _pending = new Queue<DomainEvent>(replay.Count + 1);
        Lost = lost;
        if (lost is not null)
            _pending.Enqueue(lost);
        foreach (var e in replay)
            _pending.Enqueue(e);
        _live = Channel.CreateBounded<DomainEvent>(new BoundedChannelOptions(queue)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The events_lost marker this subscription starts with, if history did not reach back far enough.</summary>
    public DomainEvent? Lost { get; private init; }

    /// <summary>Called by the log under its lock; false when this subscriber is full and dropped.</summary>
    internal bool Offer(DomainEvent e)
    {
        if (_filter is not null && !_filter(e))
            return true;
        if (_live.Writer.TryWrite(e))
            return true;
        _overflowed = true;
        _live.Writer.TryComplete();
        return false;
    }

    internal void Complete() => _live.Writer.TryComplete();

    /// <summary>The next event if one is ready now (no waiting).</summary>
    public bool TryRead(out DomainEvent e)
    {
        if (_pending.TryDequeue(out e!) || _live.Reader.TryRead(out e!))
        {
            Delivered(e);
            return true;
        }
        if (_overflowed && !_markerSent && _live.Reader.Completion.IsCompleted)
        {
            _markerSent = true;
            e = new DomainEvent
            {
                Id = _lastDelivered,
                Time = _time.GetUtcNow(),
                Kind = DomainEventKind.StreamDropped,
                Domid = -1,
                Message = $"this reader fell more than {_queue} events behind and was dropped; reconnect with after={_lastDelivered}",
            };
            return true;
        }
        return false;
    }

    /// <summary>The next event, waiting for it; null when the stream is over (dropped or xenod stopping).</summary>
    public async ValueTask<DomainEvent?> ReadAsync(CancellationToken cancel)
    {
        while (true)
        {
            if (TryRead(out var e))
                return e;
            if (!await _live.Reader.WaitToReadAsync(cancel) && !(_overflowed && !_markerSent))
                return null;
        }
    }

    private void Delivered(DomainEvent e)
    {
        // A lost marker's id is the one before the oldest event kept: resuming after it is right too.
        _lastDelivered = e.Id;
    }

    public void Dispose()
    {
        _log.Unsubscribe(this);
        _live.Writer.TryComplete();
    }
}
