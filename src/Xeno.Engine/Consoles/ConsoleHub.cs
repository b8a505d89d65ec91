using System.Net.Sockets;

namespace Xeno.Engine.Consoles;

/// <summary>
/// One guest console served by xenod. It stays connected to QEMU's console chardev (see
/// <see cref="IConsoleUpstream"/>; reconnecting whenever that connection drops) for the
/// guest's input, takes the guest's output from QEMU's console log (see
/// <see cref="ConsoleLogFollower"/>: virtio-console drops what the socket cannot take at once,
/// the log never does), keeps the recent output in a <see cref="ConsoleRing"/>, rotates the log
/// by size, and serves its own unix socket (mode 0600) to any number of clients: each gets the
/// live output from the moment it attaches (nothing old, like Xen's pty), and the input of any
/// goes to the guest. Viewers in xenod's process (<see cref="AttachViewer"/>) get the recent
/// output first and are served without a socket.
/// </summary>
public sealed class ConsoleHub : IAsyncDisposable
{
    /// <summary>The hub's socket name inside the domain's run folder (next to QEMU's "con").</summary>
    public const string SocketName = "console";

    private readonly IConsoleUpstream _upstreamSource;
    private readonly ConsoleHubOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly ConsoleLogFollower _follower;
    // Released when QEMU's socket brings output: the log has (or is about to have) new bytes.
    // A semaphore of at most one (an auto-reset event the pump can await without a thread).
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<IConsoleSink> _clients = [];
    private readonly List<Task> _clientTasks = [];
    private readonly SemaphoreSlim _input = new(1, 1);
    private Socket? _upstream;
    private Task _upstreamLoop = Task.CompletedTask;
    private Task _pump = Task.CompletedTask;
    private Task _acceptLoop = Task.CompletedTask;
    private int _accepted;
    private long _socketBytes;
    private int _disposed;

    private ConsoleHub(string name, IConsoleUpstream upstream, string socketPath, string logPath, ConsoleHubOptions options,
        TimeProvider time, Action<string> log, Socket listener)
    {
        Name = name;
        _upstreamSource = upstream;
        SocketPath = socketPath;
        _options = options;
        _time = time;
        _log = log;
        _listener = listener;
        Ring = new ConsoleRing(options.RingBytes);
        _follower = new ConsoleLogFollower(logPath);
    }

    /// <summary>How the log names this console (e.g. "domain 3").</summary>
    public string Name { get; }
    public string SocketPath { get; }
    public ConsoleRing Ring { get; }

    /// <summary>
    /// Output bytes QEMU managed to put on its console socket; the log's count (the ring's) is
    /// higher by what virtio-console dropped because the socket was full.
    /// </summary>
    public long SocketBytes => Interlocked.Read(ref _socketBytes);

    /// <summary>True while connected to QEMU's console socket.</summary>
    public bool Connected => Volatile.Read(ref _upstream) is not null;

    public int ClientCount
    {
        get
        {
            lock (_gate)
                return _clients.Count;
        }
    }

    /// <summary>The hub's socket for a domain's runtime files.</summary>
    public static string SocketFor(Xeno.Qemu.Machine.RuntimeFiles files) =>
        Path.Combine(Path.GetDirectoryName(files.ConsoleSocket) ?? ".", SocketName);

    /// <summary>
    /// Binds the hub's socket (so clients can attach as soon as this returns), seeds the ring
    /// with the log's tail (output from before this xenod started), and starts relaying.
    /// </summary>
    public static ConsoleHub Start(string name, IConsoleUpstream upstream, string socketPath, string logPath,
        ConsoleHubOptions options, TimeProvider time, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(socketPath))!);
        File.Delete(socketPath); // a previous xenod's socket
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            // Root only: the console is a root shell on many guests.
            if (OperatingSystem.IsLinux())
                File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var hub = new ConsoleHub(name, upstream, socketPath, logPath, options, time, log, listener);
        hub.Ring.Append(hub._follower.StartAtEnd(options.RingBytes));
        // On the thread pool, not a thread of its own: one blocked thread per guest was 100
        // threads with 100 guests (BENCHMARKS.md); the pump only waits between short reads.
        hub._pump = Task.Run(hub.PumpAsync);
        hub._upstreamLoop = Task.Run(hub.UpstreamLoopAsync);
        hub._acceptLoop = Task.Run(hub.AcceptLoopAsync);
        return hub;
    }

    // ---- QEMU's side ---------------------------------------------------------------------

    private async Task UpstreamLoopAsync()
    {
        var cancel = _stop.Token;
        var buffer = new byte[16 * 1024];
        bool everConnected = false;
        while (!cancel.IsCancellationRequested)
        {
            Socket? socket = null;
            try
            {
                socket = await _upstreamSource.ConnectAsync(cancel).ConfigureAwait(false);
                Volatile.Write(ref _upstream, socket);
                if (everConnected)
                    _log($"{Name}: console reconnected to QEMU");
                everConnected = true;
                // The bytes themselves come from the log (a superset, same order); reading
                // here keeps QEMU's side drained and tells the pump that output arrived.
                int n;
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false)) > 0)
                {
                    Interlocked.Add(ref _socketBytes, n);
                    Wake();
                }
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
            }
            await _input.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                Volatile.Write(ref _upstream, null);
                socket?.Dispose();
            }
            finally
            {
                _input.Release();
            }
            try
            {
                await Task.Delay(_options.ReconnectDelay, _time, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// Guest output: into the ring and every client's queue; clients too far behind are dropped.
    /// In-process viewers waiting for output get it on this thread, once the lock is released.
    /// </summary>
    private void Deliver(byte[] chunk)
    {
        List<IConsoleSink>? behind = null;
        List<ConsoleViewer>? viewers = null;
        lock (_gate)
        {
            Ring.Append(chunk);
            foreach (var client in _clients)
            {
                if (!client.TryEnqueue(chunk))
                    (behind ??= []).Add(client);
                else if (client is ConsoleViewer viewer)
                    (viewers ??= []).Add(viewer);
            }
            if (behind is not null)
                _clients.ExceptWith(behind);
        }
        foreach (var viewer in viewers ?? [])
            viewer.WakeReader();
        foreach (var client in behind ?? [])
        {
            _log($"{Name}: console client {client.Id} dropped: more than {_options.ClientBacklogBytes} bytes behind");
            client.Dispose();
        }
    }

    /// <summary>
    /// Guest output from the log to the ring and the clients, as soon as QEMU's socket says it
    /// arrived (or every <see cref="IdlePoll"/> without a word from it: xenod restarted, QEMU's
    /// socket not connected, or output with no client on QEMU's side). Rotation happens here too,
    /// at the end of what was read.
    /// </summary>
    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        int eager = 0, quick = 0;
        string? failing = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                int n = _follower.Read(buffer);
                failing = null;
                if (n > 0)
                {
                    Deliver(buffer.AsSpan(0, n).ToArray());
                    quick = 0; // what the socket announced is in
                    continue;
                }
                RotateLog();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (failing != e.Message)
                    _log($"{Name}: console log {e.Message}");
                failing = e.Message;
            }
            // QEMU writes its socket just before its log: the bytes are a moment away, usually
            // microseconds (a keystroke's echo). Look again at once a few times, giving up the
            // core (QEMU may need it to write them), before waiting a millisecond at a time,
            // and a new word from the socket ends that wait: a timer tick per echo was most of
            // a keystroke's round trip (BENCHMARKS.md).
            if (quick > 0)
            {
                quick--;
                Thread.Yield();
                continue;
            }
            if (eager > 0)
            {
                eager--;
                if (await _wake.WaitAsync(EagerPoll, CancellationToken.None).ConfigureAwait(false))
                    (eager, quick) = (EagerLooks, QuickLooks);
                continue;
            }
            if (await _wake.WaitAsync(IdlePoll, CancellationToken.None).ConfigureAwait(false))
                (eager, quick) = (EagerLooks, QuickLooks);
        }
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
                _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Released by another thread in between: the pump is woken either way.
        }
    }

    /// <summary>How often the pump looks at the log when QEMU's socket says nothing.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);

    /// <summary>How often it looks in the ~20 ms (<see cref="EagerLooks"/>) after the socket last said output arrived.</summary>
    private static readonly TimeSpan EagerPoll = TimeSpan.FromMilliseconds(1);

    private const int EagerLooks = 20;

    /// <summary>Immediate second looks at the log after the socket's word, before <see cref="EagerPoll"/>.</summary>
    private const int QuickLooks = 20;

    private void RotateLog()
    {
        if (_options.LogMaxBytes <= 0 || _follower.Length <= _options.LogMaxBytes)
            return;
        if (_follower.Rotate(_options.LogGenerations, bytes => Deliver(bytes.ToArray())) != RotationKind.None)
            _log($"{Name}: console log rotated at {_options.LogMaxBytes} bytes");
    }

    /// <summary>Input of any client, one write at a time; dropped while QEMU is not connected.</summary>
    private async Task ToGuestAsync(ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        await _input.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _upstream) is not { } upstream)
                return;
            while (data.Length > 0)
            {
                int n = await upstream.SendAsync(data, SocketFlags.None, cancel).ConfigureAwait(false);
                data = data[n..];
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The upstream loop notices the broken connection and reconnects.
        }
        finally
        {
            _input.Release();
        }
    }

    // ---- clients' side -------------------------------------------------------------------

    private async Task AcceptLoopAsync()
    {
        var cancel = _stop.Token;
        while (!cancel.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (cancel.IsCancellationRequested)
                    return;
                continue;
            }
            if (!Adopt(socket))
                return;
        }
    }

    /// <summary>
    /// Attaches a viewer in this process (the API's WebSocket attach): it reads the recent output
    /// (the ring) and then the live output, with nothing lost or repeated between them, and what
    /// it writes goes to the guest. Dispose it to detach. Like any client, one that falls too
    /// far behind is dropped (its reads end).
    /// </summary>
    public ConsoleViewer AttachViewer()
    {
        var viewer = new ConsoleViewer(Interlocked.Increment(ref _accepted), _options.ClientBacklogBytes, ToGuestAsync, Detach);
        lock (_gate)
        {
            if (Volatile.Read(ref _disposed) != 0 || _stop.IsCancellationRequested)
                throw new ObjectDisposedException(Name + " console");
            // Under the gate, as Deliver appends: the history ends exactly where live output starts.
            var history = Ring.Snapshot();
            if (history.Length > _options.ClientBacklogBytes)
                history = history[^(int)_options.ClientBacklogBytes..];
            if (history.Length > 0)
                ((IConsoleSink)viewer).TryEnqueue(history);
            _clients.Add(viewer);
        }
        return viewer;
    }

    private void Detach(ConsoleViewer viewer)
    {
        lock (_gate)
            _clients.Remove(viewer);
    }

    /// <summary>Serves a connected client; false when the hub is closing (the client is closed).</summary>
    private bool Adopt(Socket socket)
    {
        var cancel = _stop.Token;
        var client = new ConsoleClient(socket, _options.ClientBacklogBytes, Interlocked.Increment(ref _accepted));
        lock (_gate)
        {
            if (cancel.IsCancellationRequested)
            {
                client.Dispose();
                return false;
            }
            _clients.Add(client);
            _clientTasks.RemoveAll(t => t.IsCompleted);
            _clientTasks.Add(Task.Run(() => ServeAsync(client, cancel), CancellationToken.None));
        }
        return true;
    }

    private async Task ServeAsync(ConsoleClient client, CancellationToken cancel)
    {
        try
        {
            await client.RunAsync(ToGuestAsync, cancel).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
                _clients.Remove(client);
            client.Dispose();
        }
    }

    /// <summary>Closes the hub: clients and QEMU's connection are closed, the socket file is removed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        Task[] clientTasks;
        IConsoleSink[] clients;
        lock (_gate)
        {
            clients = [.. _clients];
            _clients.Clear();
            clientTasks = [.. _clientTasks];
        }
        // Outside the gate: a viewer detaches itself from the hub as it closes.
        foreach (var client in clients)
            client.Dispose();
        Wake();
        await Task.WhenAll([_upstreamLoop, _acceptLoop, _pump, .. clientTasks]).ConfigureAwait(false);
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
        }
        _follower.Dispose();
        _wake.Dispose();
        _stop.Dispose();
        _input.Dispose();
    }
}
