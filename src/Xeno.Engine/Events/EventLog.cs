using Xeno.Api.Contracts;

namespace Xeno.Engine.Events;

/// <summary>
/// xenod's event log: stamps each published event with the next id and the time, keeps the last
/// <see cref="Capacity"/> events in memory and in a journal (so ids keep increasing and recent
/// events can still be replayed after a xenod restart), and hands them to subscribers. A
/// subscriber gets what history holds after its id, then live events, in order, without gaps or
/// duplicates: both are decided under the one lock Publish takes. Publish never waits for a
/// subscriber: one whose queue is full is dropped (it reads a final stream_dropped marker).
/// </summary>
public sealed class EventLog : IDomainEventSink, IDisposable
{
    public const int DefaultCapacity = 4096;
    public const int DefaultSubscriberQueue = 1024;

    private readonly Lock _gate = new();
    private readonly DomainEvent[] _ring;
    private int _start;
    private int _count;
    private long _lastId;
    private readonly List<EventSubscription> _subscribers = [];
    private readonly EventJournal? _journal;
    private readonly TimeProvider _time;
    private readonly int _subscriberQueue;
    private bool _disposed;

    /// <param name="journalPath">The journal file; null keeps events in memory only.</param>
    /// <param name="log">Where journal problems are reported (xenod's log).</param>
    public EventLog(string? journalPath, TimeProvider time, Action<string> log,
        int capacity = DefaultCapacity, int subscriberQueue = DefaultSubscriberQueue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriberQueue, 1);
        _ring = new DomainEvent[capacity];
        _time = time;
        _subscriberQueue = subscriberQueue;
        if (journalPath is not null)
        {
            (_journal, var contents) = EventJournal.Open(journalPath, capacity, log);
            foreach (var e in contents.Events)
                Add(e);
            _lastId = Math.Max(_lastId, contents.HighestId);
        }
    }

    public int Capacity => _ring.Length;

    /// <summary>The newest event's id (0 before the first event ever).</summary>
    public long LastId
    {
        get
        {
            lock (_gate)
                return _lastId;
        }
    }

    public void Publish(DomainEvent e)
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var stamped = e with { Id = _lastId + 1, Time = _time.GetUtcNow() };
            _lastId = stamped.Id;
            Add(stamped);
            if (_journal is not null)
            {
                _journal.Append(stamped);
                if (_journal.NeedsCompaction(Capacity))
                    _journal.Rewrite(History());
            }
            for (int i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (!_subscribers[i].Offer(stamped))
                    _subscribers.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Events after <paramref name="after"/> (null: from now on) that <paramref name="filter"/>
    /// keeps. When history no longer reaches back to <paramref name="after"/> (or the id is newer
    /// than any event: history was reset), the subscription starts with an events_lost marker and
    /// replays all it has.
    /// </summary>
    public EventSubscription Subscribe(long? after, Func<DomainEvent, bool>? filter = null)
    {
        lock (_gate)
        {
            long first = _count > 0 ? _ring[_start].Id : _lastId + 1;
            DomainEvent? lost = null;
            long from = after ?? _lastId;
            if (after is { } a && (a + 1 < first || a > _lastId))
            {
                string why = a > _lastId
                    ? $"event {a} is newer than xenod's newest event {_lastId} (its history was reset)"
                    : $"events {a + 1} to {first - 1} are no longer in xenod's history (it keeps the last {Capacity})";
                lost = new DomainEvent { Id = first - 1, Time = _time.GetUtcNow(), Kind = DomainEventKind.EventsLost, Domid = -1, Message = why };
                from = first - 1;
            }
            var replay = History().Where(e => e.Id > from && (filter is null || filter(e))).ToList();
            var sub = new EventSubscription(this, lost, replay, filter, _subscriberQueue, from, _time);
            if (_disposed)
                sub.Complete();
            else
                _subscribers.Add(sub);
            return sub;
        }
    }

    internal void Unsubscribe(EventSubscription sub)
    {
        lock (_gate)
            _subscribers.Remove(sub);
    }

    private IEnumerable<DomainEvent> History()
    {
        for (int i = 0; i < _count; i++)
            yield return _ring[(_start + i) % _ring.Length];
    }

    private void Add(DomainEvent e)
    {
        if (_count < _ring.Length)
        {
            _ring[(_start + _count) % _ring.Length] = e;
            _count++;
        }
        else
        {
            _ring[_start] = e;
            _start = (_start + 1) % _ring.Length;
        }
    }

    /// <summary>Ends every subscription (their streams finish) and closes the journal.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var sub in _subscribers)
                sub.Complete();
            _subscribers.Clear();
            _journal?.Dispose();
        }
    }
}
