using System.Net.Sockets;
using System.Threading.Channels;

namespace Xeno.Engine.Consoles;

/// <summary>
/// One client attached to a console hub. Guest output is queued for it without blocking the
/// hub (at most <c>backlogBytes</c> waiting); its input is handed to the hub for the guest.
/// </summary>
internal sealed class ConsoleClient : IDisposable
{
    private readonly Socket _socket;
    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly long _backlogBytes;
    private long _queued;
    private int _closed;

    public ConsoleClient(Socket socket, long backlogBytes, int id)
    {
        _socket = socket;
        _backlogBytes = backlogBytes;
        Id = id;
    }

    /// <summary>A number for the log: the hub's count of accepted clients.</summary>
    public int Id { get; }

    /// <summary>Bytes queued and not yet sent.</summary>
    public long Backlog => Interlocked.Read(ref _queued);

    /// <summary>Queues output; false when the client has fallen too far behind (the caller drops it).</summary>
    public bool TryEnqueue(byte[] chunk)
    {
        if (Volatile.Read(ref _closed) != 0)
            return true;
        if (Interlocked.Add(ref _queued, chunk.Length) > _backlogBytes)
            return false;
        _queue.Writer.TryWrite(chunk);
        return true;
    }

    /// <summary>Relays until the client leaves or is closed; input goes to <paramref name="toGuest"/>.</summary>
    public async Task RunAsync(Func<ReadOnlyMemory<byte>, CancellationToken, Task> toGuest, CancellationToken cancel)
    {
        var send = SendLoopAsync(cancel);
        var receive = ReceiveLoopAsync(toGuest, cancel);
        await Task.WhenAny(send, receive).ConfigureAwait(false);
        Dispose();
        await Task.WhenAll(send, receive).ConfigureAwait(false);
    }

    private async Task SendLoopAsync(CancellationToken cancel)
    {
        try
        {
            await foreach (var chunk in _queue.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                int sent = 0;
                while (sent < chunk.Length)
                    sent += await _socket.SendAsync(chunk.AsMemory(sent), SocketFlags.None, cancel).ConfigureAwait(false);
                Interlocked.Add(ref _queued, -chunk.Length);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
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
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        _queue.Writer.TryComplete();
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
