using System.Net.Sockets;

namespace Xeno.Engine.Consoles;

/// <summary>
/// One client attached to a console hub. Guest output is queued for it without blocking the
/// hub (at most <c>backlogBytes</c> waiting) and written by a thread of its own, so a busy
/// thread pool cannot make a client that reads look like one that stopped; its input is
/// handed to the hub for the guest.
/// </summary>
internal sealed class ConsoleClient : IConsoleSink
{
    private readonly Socket _socket;
    private readonly ConsoleBacklog _backlog;

    public ConsoleClient(Socket socket, long backlogBytes, int id)
    {
        _socket = socket;
        _backlog = new ConsoleBacklog(backlogBytes);
        Id = id;
    }

    /// <summary>A number for the log: the hub's count of accepted clients.</summary>
    public int Id { get; }

    /// <summary>Bytes queued and not yet sent.</summary>
    public long Backlog
    {
        get
        {
            lock (_backlog)
                return _backlog.Bytes;
        }
    }

    /// <summary>Queues output; false when the client has fallen too far behind (the caller drops it).</summary>
    public bool TryEnqueue(byte[] chunk)
    {
        lock (_backlog)
        {
            if (!_backlog.TryAdd(chunk))
                return false;
            Monitor.Pulse(_backlog);
            return true;
        }
    }

    /// <summary>Relays until the client leaves or is closed; input goes to <paramref name="toGuest"/>.</summary>
    public async Task RunAsync(Func<ReadOnlyMemory<byte>, CancellationToken, Task> toGuest, CancellationToken cancel)
    {
        var send = Task.Factory.StartNew(SendLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var receive = ReceiveLoopAsync(toGuest, cancel);
        await Task.WhenAny(send, receive).ConfigureAwait(false);
        Dispose();
        await Task.WhenAll(send, receive).ConfigureAwait(false);
    }

    private byte[]? Next()
    {
        lock (_backlog)
        {
            while (!_backlog.IsClosed && _backlog.IsEmpty)
                Monitor.Wait(_backlog);
            return _backlog.TryPeek(out var chunk) ? chunk : null;
        }
    }

    private void SendLoop()
    {
        try
        {
            while (Next() is { } chunk)
            {
                int sent = 0;
                while (sent < chunk.Length)
                    sent += _socket.Send(chunk.AsSpan(sent), SocketFlags.None);
                lock (_backlog)
                {
                    // Taken only once sent: the backlog counts what the client has yet to read.
                    if (!_backlog.TryTake(out _))
                        return; // closed meanwhile
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoopAsync(Func<ReadOnlyMemory<byte>, CancellationToken, Task> toGuest, CancellationToken cancel)
    {
        var buffer = new byte[1024];
        try
        {
            int n;
            while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false)) > 0)
                await toGuest(buffer.AsMemory(0, n), cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Disconnects: both loops end, queued output is discarded.</summary>
    public void Dispose()
    {
        lock (_backlog)
        {
            if (!_backlog.Close())
                return;
            Monitor.PulseAll(_backlog);
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }
}
