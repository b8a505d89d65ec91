using System.Collections.Concurrent;

namespace Xeno.Migration.Wire;

/// <summary>A byte connection the relay reads and writes, and whose sending half it can end (a socket's shutdown).</summary>
public sealed record RelayConnection(Stream Stream, Action EndSending) : IDisposable
{
    public void Dispose() => Stream.Dispose();
}

/// <summary>
/// xl migrate --copy-storage: QEMU's live stream and the NBD connections of the disk mirrors share
/// the one channel xl already has (ssh's stdin and stdout, or whatever -s runs), as frames
/// (<see cref="MuxFrame"/>): the sender's QEMU connects to NBD "servers" of the sending xl, which
/// opens a numbered stream per connection; the receiving xl connects each to its QEMU's NBD
/// server, and the bytes go both ways. Each side ends with an End frame once its QEMU stream
/// and all its NBD connections are finished; the hand-over messages follow unframed. Any failure
/// (the channel, a connection, a bad frame) ends the whole relay with that exception.
/// </summary>
public sealed class StorageRelay : IAsyncDisposable
{
    private const int ReadBuffer = 256 << 10;

    private readonly Stream _in, _out;
    private readonly Action<long> _progress;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentDictionary<uint, Nbd> _nbd = new();
    private readonly List<Task> _pumps = [];
    private Exception? _failure;
    private long _qemuBytes;

    private sealed class Nbd(RelayConnection connection)
    {
        public RelayConnection Connection { get; } = connection;
        public TaskCompletionSource PeerClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool LocalClosed;
    }

    private StorageRelay(Stream channelIn, Stream channelOut, Action<long> progress, CancellationToken cancel)
    {
        _in = channelIn;
        _out = channelOut;
        _progress = progress;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
    }

    /// <summary>
    /// The sending xl: relays <paramref name="qemu"/> (QEMU's migration connection, once it
    /// connects) and every connection <paramref name="acceptNbd"/> gives until QEMU's stream ended.
    /// </summary>
    public static async Task RunSenderAsync(Stream channelIn, Stream channelOut, Task<RelayConnection> qemu,
        Func<CancellationToken, Task<RelayConnection>> acceptNbd, Action<long> progress, CancellationToken cancel)
    {
        await using var relay = new StorageRelay(channelIn, channelOut, progress, cancel);
        await relay.SenderAsync(qemu, acceptNbd);
    }

    /// <summary>
    /// The receiving xl: feeds QEMU's stream to <paramref name="connectQemu"/>'s connection (made
    /// at the first bytes) and connects every NBD stream the sender opens with <paramref name="connectNbd"/>.
    /// </summary>
    public static async Task RunReceiverAsync(Stream channelIn, Stream channelOut,
        Func<CancellationToken, Task<RelayConnection>> connectQemu, Func<CancellationToken, Task<RelayConnection>> connectNbd,
        Action<long> progress, CancellationToken cancel)
    {
        await using var relay = new StorageRelay(channelIn, channelOut, progress, cancel);
        await relay.ReceiverAsync(connectQemu, connectNbd);
    }

    private async Task SenderAsync(Task<RelayConnection> qemuConnection, Func<CancellationToken, Task<RelayConnection>> acceptNbd)
    {
        var token = _stop.Token;
        var inbound = Watch(InboundAsync(allowQemu: false, connectQemu: null, connectNbd: null));
        using var accepting = CancellationTokenSource.CreateLinkedTokenSource(token);
        var acceptLoop = Watch(AcceptLoopAsync(acceptNbd, accepting.Token));
        try
        {
            using var qemu = await qemuConnection.WaitAsync(token);
            await PumpAsync(qemu.Stream, MuxFrameType.Qemu, 0, token);
            await WriteAsync(new MuxFrame(MuxFrameType.QemuEnd, 0, default), token);
            // The mirrors ended before QEMU's last bytes (at its pre-switchover pause): no more NBD connections.
            accepting.Cancel();
            await acceptLoop;
            // The sender ends first; the receiver's End follows once it has seen ours.
            await EndOurSideAsync();
            await inbound.WaitAsync(token);
        }
        catch (Exception e)
        {
            throw Failure(e);
        }
    }

    private async Task ReceiverAsync(Func<CancellationToken, Task<RelayConnection>> connectQemu, Func<CancellationToken, Task<RelayConnection>> connectNbd)
    {
        try
        {
            // A read of the channel may not notice a cancellation: a failure elsewhere stops the wait.
            await Watch(InboundAsync(allowQemu: true, connectQemu, connectNbd)).WaitAsync(_stop.Token);
            await EndOurSideAsync();
        }
        catch (Exception e)
        {
            throw Failure(e);
        }
    }

    /// <summary>Our pumps done and every connection closed both ways, then our End.</summary>
    private async Task EndOurSideAsync()
    {
        Task[] pumps;
        lock (_pumps)
            pumps = [.. _pumps];
        await Task.WhenAll(pumps).WaitAsync(_stop.Token);
        await Task.WhenAll(_nbd.Values.Select(n => n.PeerClosed.Task)).WaitAsync(_stop.Token);
        await WriteAsync(new MuxFrame(MuxFrameType.End, 0, default), _stop.Token);
    }

    /// <summary>The first real failure (not the cancellation it caused elsewhere).</summary>
    private Exception Failure(Exception e)
    {
        _stop.Cancel();
        return Volatile.Read(ref _failure) ?? e;
    }

    /// <summary>A failed background task stops everything at once.</summary>
    private Task Watch(Task task)
    {
        _ = task.ContinueWith(t =>
        {
            if (t.Exception is { } e)
            {
                Interlocked.CompareExchange(ref _failure, e.InnerException ?? e, null);
                try
                {
                    _stop.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The relay already ended (a read that outlived it failed late).
                }
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private async Task AcceptLoopAsync(Func<CancellationToken, Task<RelayConnection>> acceptNbd, CancellationToken token)
    {
        uint next = 1;
        while (true)
        {
            RelayConnection connection;
            try
            {
                connection = await acceptNbd(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested && !_stop.IsCancellationRequested)
            {
                return;
            }
            uint id = next++;
            _nbd[id] = new Nbd(connection);
            await WriteAsync(new MuxFrame(MuxFrameType.NbdOpen, id, default), _stop.Token);
            StartNbdPump(id);
        }
    }

    private void StartNbdPump(uint id)
    {
        var nbd = _nbd[id];
        var pump = Watch(Task.Run(async () =>
        {
            await PumpAsync(nbd.Connection.Stream, MuxFrameType.NbdData, id, _stop.Token);
            nbd.LocalClosed = true;
            await WriteAsync(new MuxFrame(MuxFrameType.NbdClose, id, default), _stop.Token);
        }));
        lock (_pumps)
            _pumps.Add(pump);
    }

    /// <summary>Frames from the peer until its End.</summary>
    private async Task InboundAsync(bool allowQemu, Func<CancellationToken, Task<RelayConnection>>? connectQemu,
        Func<CancellationToken, Task<RelayConnection>>? connectNbd)
    {
        var token = _stop.Token;
        RelayConnection? qemu = null;
        bool qemuEnded = false;
        try
        {
            while (true)
            {
                var frame = await MuxFrame.ReadAsync(_in, token);
                switch (frame.Type)
                {
                    case MuxFrameType.Qemu when allowQemu && !qemuEnded:
                        qemu ??= await connectQemu!(token);
                        await qemu.Stream.WriteAsync(frame.Payload, token);
                        _progress(_qemuBytes += frame.Payload.Length);
                        break;
                    case MuxFrameType.QemuEnd when allowQemu && !qemuEnded:
                        qemuEnded = true;
                        qemu ??= await connectQemu!(token);
                        await qemu.Stream.FlushAsync(token);
                        qemu.EndSending();
                        break;
                    case MuxFrameType.NbdOpen when connectNbd is not null && !_nbd.ContainsKey(frame.Stream):
                        _nbd[frame.Stream] = new Nbd(await connectNbd(token));
                        StartNbdPump(frame.Stream);
                        break;
                    case MuxFrameType.NbdData when _nbd.TryGetValue(frame.Stream, out var n) && !n.PeerClosed.Task.IsCompleted:
                        try
                        {
                            await n.Connection.Stream.WriteAsync(frame.Payload, token);
                        }
                        catch (IOException) when (n.LocalClosed)
                        {
                            // Our side of this connection already closed: late bytes have nowhere to go.
                        }
                        break;
                    case MuxFrameType.NbdClose when _nbd.TryGetValue(frame.Stream, out var n) && !n.PeerClosed.Task.IsCompleted:
                        try
                        {
                            n.Connection.EndSending();
                        }
                        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
                        {
                        }
                        n.PeerClosed.TrySetResult();
                        break;
                    case MuxFrameType.End when !allowQemu || qemuEnded:
                        return;
                    default:
                        throw new MigrationWireException($"storage stream: unexpected {frame.Type} frame for stream {frame.Stream}");
                }
            }
        }
        finally
        {
            qemu?.Dispose();
        }
    }

    /// <summary>Reads <paramref name="from"/> to its end, each read as a frame.</summary>
    private async Task PumpAsync(Stream from, MuxFrameType type, uint id, CancellationToken token)
    {
        var buffer = new byte[ReadBuffer];
        while (true)
        {
            int n = await from.ReadAsync(buffer, token);
            if (n == 0)
                return;
            await WriteAsync(new MuxFrame(type, id, buffer.AsMemory(0, n)), token);
            if (type == MuxFrameType.Qemu)
                _progress(Interlocked.Add(ref _qemuBytes, n));
        }
    }

    private async Task WriteAsync(MuxFrame frame, CancellationToken token)
    {
        var bytes = frame.Encode();
        await _writeLock.WaitAsync(token);
        try
        {
            await _out.WriteAsync(bytes, token);
            await _out.FlushAsync(token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var n in _nbd.Values)
            n.Connection.Dispose();
        Task[] pumps;
        lock (_pumps)
            pumps = [.. _pumps];
        try
        {
            await Task.WhenAll(pumps);
        }
        catch (Exception)
        {
            // Already reported by the relay's own failure, or caused by this stop.
        }
        _stop.Dispose();
        _writeLock.Dispose();
    }
}
