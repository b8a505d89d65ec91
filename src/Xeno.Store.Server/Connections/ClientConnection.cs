using System.Net.Sockets;
using Xeno.Store.Sessions;
using Xeno.Store.Wire;

namespace Xeno.Store.Server.Connections;

/// <summary>
/// One accepted socket: reads and frames requests, hands them to the server, and sends
/// replies and watch events in the order the store produced them. Sending never blocks
/// the store: messages queue here and one pump per connection drains them.
/// </summary>
internal sealed class ClientConnection
{
    private readonly Socket _socket;
    private readonly XenStoreServer _server;
    private readonly object _sendLock = new();
    private List<ArraySegment<byte>> _queue = [];
    private long _queuedBytes;
    private bool _pumping;
    private int _closed;

    private readonly long _maxQueuedBytes;

    public ClientConnection(Socket socket, XenStoreServer server, StoreSession session, long maxQueuedBytes)
    {
        _socket = socket;
        _server = server;
        _maxQueuedBytes = maxQueuedBytes;
        Session = session;
        session.Tag = this;
    }

    public StoreSession Session { get; }

    public async Task RunAsync(CancellationToken cancel)
    {
        var decoder = new XsFrameDecoder();
        var buffer = new byte[64 * 1024];
        var messages = new List<XsMessage>();
        try
        {
            while (!cancel.IsCancellationRequested && Volatile.Read(ref _closed) == 0)
            {
                var n = await _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancel).ConfigureAwait(false);
                if (n == 0) break;
                messages.Clear();
                var error = decoder.Feed(buffer.AsSpan(0, n), messages);
                foreach (var m in messages)
                {
                    if (Volatile.Read(ref _closed) != 0) break;
                    _server.Handle(this, m);
                }
                // Xen drops a connection whose header announces an oversized payload.
                if (error != XsFrameError.None) break;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Queues a message; returns true when the caller must start the pump (outside the store lock).</summary>
    public bool Enqueue(byte[] bytes)
    {
        lock (_sendLock)
        {
            if (_closed != 0) return false;
            _queue.Add(bytes);
            _queuedBytes += bytes.Length;
            if (_queuedBytes > _maxQueuedBytes)
            {
                _queue.Clear();
                _ = Task.Run(Close);
                return false;
            }
            if (_pumping) return false;
            _pumping = true;
            return true;
        }
    }

    public async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                List<ArraySegment<byte>> batch;
                lock (_sendLock)
                {
                    if (_queue.Count == 0 || _closed != 0)
                    {
                        _pumping = false;
                        return;
                    }
                    batch = _queue;
                    _queue = [];
                    _queuedBytes = 0;
                }
                if (batch.Count == 1) await SendAllAsync(batch[0]).ConfigureAwait(false);
                else await SendAllAsync(Concat(batch)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            lock (_sendLock) _pumping = false;
            Close();
        }
    }

    private async Task SendAllAsync(ArraySegment<byte> data)
    {
        while (data.Count > 0)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private static byte[] Concat(List<ArraySegment<byte>> parts)
    {
        var total = 0;
        foreach (var p in parts) total += p.Count;
        var all = new byte[total];
        var at = 0;
        foreach (var p in parts) { p.AsSpan().CopyTo(all.AsSpan(at)); at += p.Count; }
        return all;
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        _server.Forget(this);
    }
}
