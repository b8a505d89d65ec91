namespace Xeno.Engine.Consoles;

/// <summary>
/// A viewer of a console hub inside xenod (the API's WebSocket attach): the recent output, then
/// the live output, read with <see cref="ReadAsync"/>, and input written straight to the guest.
/// Unlike a socket client it has no socket pair and no thread of its own between the hub and
/// the WebSocket: the hub hands a waiting reader its output on the thread that delivers it, so
/// a keystroke's echo reaches the WebSocket without a hand-off (BENCHMARKS.md, keystroke round
/// trip). Output waits here, at most <c>backlogBytes</c> of it, while the reader is busy; a
/// viewer further behind is dropped as a socket client would be. Dispose it to detach.
/// </summary>
public sealed class ConsoleViewer : IConsoleSink
{
    private readonly Lock _gate = new();
    private readonly ConsoleBacklog _backlog;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, Task> _toGuest;
    private readonly Action<ConsoleViewer> _detach;
    // The reader waiting for output; completed on the delivering thread (no hand-off).
    private TaskCompletionSource<bool>? _waiter;

    internal ConsoleViewer(int id, long backlogBytes, Func<ReadOnlyMemory<byte>, CancellationToken, Task> toGuest, Action<ConsoleViewer> detach)
    {
        Id = id;
        _backlog = new ConsoleBacklog(backlogBytes);
        _toGuest = toGuest;
        _detach = detach;
    }

    public int Id { get; }

    /// <summary>
    /// The next output, in order; empty once the viewer is closed (detached, dropped, or the hub
    /// closed). One reader at a time.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync()
    {
        while (true)
        {
            Task<bool> wait;
            lock (_gate)
            {
                if (_backlog.IsClosed)
                    return ReadOnlyMemory<byte>.Empty;
                if (_backlog.TryTake(out var chunk))
                    return chunk;
                if (_waiter is not null)
                    throw new InvalidOperationException("a console viewer has one reader at a time");
                // Not RunContinuationsAsynchronously: the delivering thread runs the reader on.
                _waiter = new TaskCompletionSource<bool>();
                wait = _waiter.Task;
            }
            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Input to the guest (dropped while QEMU's console is not connected, or once closed).</summary>
    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        lock (_gate)
        {
            if (_backlog.IsClosed)
                return Task.CompletedTask;
        }
        return _toGuest(data, cancel);
    }

    /// <summary>Queues output (the hub's delivery, under its lock): false when too far behind.</summary>
    bool IConsoleSink.TryEnqueue(byte[] chunk)
    {
        lock (_gate)
            return _backlog.TryAdd(chunk);
    }

    /// <summary>
    /// Hands queued output to a waiting reader, on this thread: the hub calls it after its
    /// delivery, outside its lock (the reader's continuation, a WebSocket send, runs here until
    /// it waits).
    /// </summary>
    internal void WakeReader()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            if (_backlog.IsEmpty)
                return;
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult(true);
    }

    /// <summary>Detaches: the reader gets the end, queued output is discarded.</summary>
    public void Dispose()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            if (!_backlog.Close())
                return;
            waiter = _waiter;
            _waiter = null;
        }
        // The end is no hurry, and the caller may hold the hub's lock: the reader runs elsewhere.
        if (waiter is not null)
            ThreadPool.UnsafeQueueUserWorkItem(w => w.TrySetResult(false), waiter, preferLocal: false);
        _detach(this);
    }
}
