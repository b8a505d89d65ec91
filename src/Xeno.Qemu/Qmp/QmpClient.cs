using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Xeno.Qemu.Qmp;

/// <summary>
/// A QMP client: greeting, capability negotiation, commands matched to answers by id, and the
/// asynchronous event stream. One background loop reads the socket; when the peer goes away
/// (QEMU exited) every waiting command fails with <see cref="QmpDisconnectedException"/>,
/// <see cref="Events"/> completes and <see cref="Closed"/> finishes.
/// </summary>
public sealed partial class QmpClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly QmpMessageReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, Pending> _pending = new();
    private readonly Channel<QmpEvent> _events = Channel.CreateUnbounded<QmpEvent>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private Task? _readLoop;
    private int _disposed;

    private sealed record Pending(string Command, TaskCompletionSource<JsonElement> Answer);

    private QmpClient(Stream stream, QmpMessageReader reader, QmpGreeting greeting)
    {
        _stream = stream;
        _reader = reader;
        Greeting = greeting;
    }

    public QmpGreeting Greeting { get; }

    /// <summary>Every event QEMU sends, in order. Completes when the connection ends.</summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>Finishes when the connection ends; the result is the cause (null for a clean EOF).</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Connects to QEMU's QMP unix socket and negotiates capabilities.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return await OpenAsync(new NetworkStream(socket, ownsSocket: true), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the QMP handshake over an already connected stream (the client owns it).</summary>
    public static async Task<QmpClient> OpenAsync(Stream stream, CancellationToken cancellationToken = default,
        int maxLineBytes = QmpMessageReader.DefaultMaxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new QmpMessageReader(stream, maxLineBytes);
        QmpClient? client = null;
        try
        {
            var first = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new QmpDisconnectedException("QMP connection closed before the greeting");
            if (first is not QmpGreeting greeting)
                throw new QmpProtocolException($"expected the QMP greeting, got {first.GetType().Name}");
            client = new QmpClient(stream, reader, greeting);
            client._readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);
            await client.ExecuteAsync("qmp_capabilities", null, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            if (client is not null)
                await client.DisposeAsync().ConfigureAwait(false);
            else
                await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The deadline of a command that names none: a QEMU that does not answer in time (stopped,
    /// hung) fails the call with <see cref="QmpTimeoutException"/> instead of holding its caller.
    /// </summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs a command within <see cref="DefaultTimeout"/>; QEMU's errors become <see cref="QmpCommandException"/>.</summary>
    public Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments = null,
        CancellationToken cancellationToken = default) =>
        ExecuteAsync(command, arguments, DefaultTimeout, cancellationToken);

    /// <summary>
    /// Runs a command with its own deadline (e.g. dump-guest-memory, which answers only when the
    /// dump is written); past it the call fails with <see cref="QmpTimeoutException"/>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </summary>
    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await SendAsync(command, arguments, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new QmpTimeoutException(command, timeout);
        }
    }

    private Task<JsonElement> SendAsync(string command, JsonObject? arguments, CancellationToken cancellationToken) =>
        SendAsync(command, arguments, null, cancellationToken);

    /// <summary>
    /// Sends a command and waits for its answer. With <paramref name="fd"/> the descriptor goes
    /// with the command's bytes (SCM_RIGHTS) and the write lock is held until the answer: QEMU
    /// keeps only the descriptors of its latest read, so nothing else may be sent in between.
    /// </summary>
    private async Task<JsonElement> SendAsync(string command, JsonObject? arguments, System.Runtime.InteropServices.SafeHandle? fd,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        string id = "xeno-" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pending = new Pending(command, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[id] = pending;
        if (_closed.Task.IsCompleted)
            FailPending(ClosedError(_closed.Task.Result));

        var message = new JsonObject { ["execute"] = command };
        if (arguments is not null)
            message["arguments"] = arguments.DeepClone();
        message["id"] = id;
        byte[] bytes = Serialize(message);

        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }
        bool locked = true;
        try
        {
            try
            {
                int sent = 0;
                if (fd is not null)
                {
                    bytes = [.. bytes, (byte)'\n'];
                    sent = SendWithFd(bytes, fd);
                }
                await _stream.WriteAsync(bytes.AsMemory(sent), cancellationToken).ConfigureAwait(false);
                if (fd is null)
                    await _stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                _pending.TryRemove(id, out _);
                throw new QmpDisconnectedException($"QMP command '{command}' could not be sent: {e.Message}", e);
            }
            catch (OperationCanceledException)
            {
                _pending.TryRemove(id, out _);
                throw;
            }
            if (fd is null)
            {
                _writeLock.Release();
                locked = false;
            }

            using var registration = cancellationToken.Register(() =>
            {
                if (_pending.TryRemove(id, out var p))
                    p.Answer.TrySetCanceled(cancellationToken);
            });
            return await pending.Answer.Task.ConfigureAwait(false);
        }
        finally
        {
            if (locked)
                _writeLock.Release();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => ExecuteAsync("stop", null, cancellationToken);

    public Task ContinueAsync(CancellationToken cancellationToken = default) => ExecuteAsync("cont", null, cancellationToken);

    /// <summary>ACPI power button: the guest decides whether to shut down.</summary>
    public Task SystemPowerdownAsync(CancellationToken cancellationToken = default) => ExecuteAsync("system_powerdown", null, cancellationToken);

    public Task SystemResetAsync(CancellationToken cancellationToken = default) => ExecuteAsync("system_reset", null, cancellationToken);

    /// <summary>Asks QEMU to exit. The answer may race with the socket closing; both count as done.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ExecuteAsync("quit", null, cancellationToken).ConfigureAwait(false);
        }
        catch (QmpDisconnectedException)
        {
        }
    }

    /// <summary>Sets the VNC password (never put on QEMU's command line).</summary>
    public Task SetVncPasswordAsync(string password, CancellationToken cancellationToken = default) =>
        ExecuteAsync("change-vnc-password", new JsonObject { ["password"] = password }, cancellationToken);

    /// <summary>Asks the guest's balloon driver (virtio-balloon) to bring the guest to <paramref name="bytes"/> of RAM.</summary>
    public Task BalloonAsync(long bytes, CancellationToken cancellationToken = default) =>
        ExecuteAsync("balloon", new JsonObject { ["value"] = bytes }, cancellationToken);

    /// <summary>query-balloon: the guest's current RAM in bytes as its balloon driver reports it.</summary>
    public async Task<long> QueryBalloonAsync(CancellationToken cancellationToken = default)
    {
        var value = await ExecuteAsync("query-balloon", null, cancellationToken).ConfigureAwait(false);
        return QmpReplies.Balloon(value);
    }

    /// <summary>
    /// QMP set-action: changes what QEMU itself does on guest reboot ("reset"|"shutdown"),
    /// poweroff ("poweroff"|"pause") and panic ("pause"|"shutdown"|"none"); null leaves one as is.
    /// </summary>
    public Task SetActionAsync(string? reboot = null, string? shutdown = null, string? panic = null,
        CancellationToken cancellationToken = default)
    {
        var arguments = new JsonObject();
        if (reboot is not null)
            arguments["reboot"] = reboot;
        if (shutdown is not null)
            arguments["shutdown"] = shutdown;
        if (panic is not null)
            arguments["panic"] = panic;
        return ExecuteAsync("set-action", arguments, cancellationToken);
    }

    public async Task<QmpStatus> QueryStatusAsync(CancellationToken cancellationToken = default)
    {
        var value = await ExecuteAsync("query-status", null, cancellationToken).ConfigureAwait(false);
        return QmpReplies.Status(value);
    }

    public async Task<IReadOnlyList<QmpCpu>> QueryCpusFastAsync(CancellationToken cancellationToken = default)
    {
        var value = await ExecuteAsync("query-cpus-fast", null, cancellationToken).ConfigureAwait(false);
        return QmpReplies.Cpus(value);
    }

    private async Task ReadLoopAsync()
    {
        Exception? cause = null;
        try
        {
            while (true)
            {
                var message = await _reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (message is null)
                    break;
                Dispatch(message);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            // QEMU exiting with our last command unread resets the connection: an ordinary end.
        }
        catch (Exception e) when (e is QmpProtocolException or IOException or SocketException or ObjectDisposedException)
        {
            cause = e;
        }
        FailPending(ClosedError(cause));
        _events.Writer.TryComplete(cause);
        _closed.TrySetResult(cause);
    }

    private void Dispatch(QmpMessage message)
    {
        switch (message)
        {
            case QmpEvent e:
                _events.Writer.TryWrite(e);
                break;
            case QmpReturn r when r.Id is not null && _pending.TryRemove(r.Id, out var p):
                p.Answer.TrySetResult(r.Value);
                break;
            case QmpError err when err.Id is not null && _pending.TryRemove(err.Id, out var p):
                p.Answer.TrySetException(new QmpCommandException(p.Command, err.ErrorClass, err.Description));
                break;
            // Answers without a matching id (already cancelled, or not ours) and repeated
            // greetings are dropped: they cannot be attributed to any caller.
        }
    }

    /// <summary>One command's bytes, written without reflection: xl links this library and is published with Native AOT.</summary>
    private static byte[] Serialize(JsonObject message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            message.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }

    private static QmpDisconnectedException ClosedError(Exception? cause) => cause switch
    {
        null => new QmpDisconnectedException("QMP connection closed (QEMU exited?)"),
        _ => new QmpDisconnectedException($"QMP connection lost: {cause.Message}", cause),
    };

    private void FailPending(QmpDisconnectedException error)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var p))
                p.Answer.TrySetException(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop.Cancel();
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (_readLoop is not null)
            await _readLoop.ConfigureAwait(false);
        else
        {
            FailPending(ClosedError(null));
            _events.Writer.TryComplete();
            _closed.TrySetResult(null);
        }
        _stop.Dispose();
        _writeLock.Dispose();
    }
}
