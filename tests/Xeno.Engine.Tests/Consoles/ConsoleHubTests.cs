using System.Net.Sockets;
using System.Text;
using Xeno.Engine.Consoles;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// The hub with real unix sockets: a listener in the test plays QEMU's console chardev (one
/// client at a time, as QEMU's socket server, with logfile=: every output byte is appended to
/// the log, and sent on the socket when it can be), clients attach to the hub's own socket.
/// </summary>
public sealed class ConsoleHubTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("xh-").FullName;
    private readonly Socket _qemu = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly List<string> _log = [];
    private readonly AppendingWriter _logWriter;
    private readonly CancellationToken _cancel = TestContext.Current.CancellationToken;

    public ConsoleHubTests()
    {
        _logWriter = new AppendingWriter(LogPath);
        _qemu.Bind(new UnixDomainSocketEndPoint(QemuPath));
        _qemu.Listen(1);
    }

    private string QemuPath => Path.Combine(_dir, "con");
    private string HubPath => Path.Combine(_dir, "console");
    private string LogPath => Path.Combine(_dir, "guest.log");

    private ConsoleHub StartHub(ConsoleHubOptions? options = null) =>
        ConsoleHub.Start("Domain 7", new PathConsoleUpstream(QemuPath), HubPath, LogPath,
            options ?? new ConsoleHubOptions { ReconnectDelay = TimeSpan.FromMilliseconds(20) }, TimeProvider.System,
            line => { lock (_log) _log.Add(line); });

    /// <summary>Guest output as QEMU's chardev writes it: into the log (O_APPEND), and onto the socket unless it is full.</summary>
    private async Task EmitAsync(Socket qemu, ReadOnlyMemory<byte> bytes, bool socketFull = false)
    {
        _logWriter.Write(bytes.Span);
        if (!socketFull)
            await qemu.SendAsync(bytes, SocketFlags.None, _cancel);
    }

    private async Task<Socket> AcceptHubAsync() => await _qemu.AcceptAsync(_cancel).AsTask().WaitAsync(Patience, _cancel);

    private static async Task<Socket> AttachAsync(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await s.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return s;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (or fails after the patience).</summary>
    private async Task<byte[]> ReadExactlyAsync(Socket s, int count)
    {
        var buffer = new byte[count];
        int got = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel);
        timeout.CancelAfter(Patience);
        while (got < count)
        {
            int n = await s.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, timeout.Token);
            Assert.True(n > 0, $"connection closed after {got} of {count} bytes");
            got += n;
        }
        return buffer;
    }

    private async Task<string> ReadTextAsync(Socket s, string expected) =>
        Encoding.ASCII.GetString(await ReadExactlyAsync(s, expected.Length));

    private async Task<bool> ClosedAsync(Socket s)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel);
        timeout.CancelAfter(Patience);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await s.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    [Fact]
    public async Task EveryClientSeesLiveOutputAndAnyClientTypesToTheGuest()
    {
        await using var hub = StartHub();
        using var qemu = await AcceptHubAsync();
        if (OperatingSystem.IsLinux())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(HubPath));

        await EmitAsync(qemu, "before anyone attached\n"u8.ToArray());
        await WaitUntilAsync(() => hub.Ring.TotalWritten == 23, "the early output in the ring");
        using var a = await AttachAsync(HubPath);
        using var b = await AttachAsync(HubPath);
        using var c = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 3, "three clients");

        await EmitAsync(qemu, "login: "u8.ToArray());
        // Nothing old: each client's first bytes are the live ones.
        foreach (var client in new[] { a, b, c })
            Assert.Equal("login: ", await ReadTextAsync(client, "login: "));

        await b.SendAsync("root\n"u8.ToArray(), _cancel);
        Assert.Equal("root\n", await ReadTextAsync(qemu, "root\n"));
        await c.SendAsync("ls\n"u8.ToArray(), _cancel);
        Assert.Equal("ls\n", await ReadTextAsync(qemu, "ls\n"));
        Assert.Equal("before anyone attached\nlogin: ", Encoding.ASCII.GetString(hub.Ring.Snapshot()));
    }

    [Fact]
    public async Task RandomBytesPassBothWaysUnchangedAndInOrder()
    {
        await using var hub = StartHub();
        using var qemu = await AcceptHubAsync();
        using var a = await AttachAsync(HubPath);
        using var b = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 2, "two clients");
        var random = new Random(17);
        var output = new byte[300_000];
        random.NextBytes(output);
        var seenA = new List<byte>();
        var seenB = new List<byte>();
        for (int at = 0; at < output.Length;)
        {
            // Paced by the clients: a burst beyond a client's backlog would (rightly) drop it.
            int n = Math.Min(random.Next(1, 9000), output.Length - at);
            await EmitAsync(qemu, output.AsMemory(at, n));
            seenA.AddRange(await ReadExactlyAsync(a, n));
            seenB.AddRange(await ReadExactlyAsync(b, n));
            at += n;
        }
        Assert.Equal(output, seenA.ToArray());
        Assert.Equal(output, seenB.ToArray());

        var input = new byte[50_000];
        random.NextBytes(input);
        var typed = ReadExactlyAsync(qemu, input.Length);
        await a.SendAsync(input, _cancel);
        Assert.Equal(input, await typed);
        Assert.Equal(output[^hub.Ring.Capacity..], hub.Ring.Snapshot());
    }

    [Fact]
    public async Task AClientThatStopsReadingIsDroppedWithoutStallingTheOthers()
    {
        await using var hub = StartHub(new ConsoleHubOptions { ClientBacklogBytes = 32 * 1024, ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        using var qemu = await AcceptHubAsync();
        using var stalled = await AttachAsync(HubPath);
        using var reader = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 2, "two clients");

        // Far more than the stalled client's socket buffer plus its backlog.
        var output = new byte[4 * 1024 * 1024];
        new Random(3).NextBytes(output);
        for (int at = 0; at < output.Length; at += 8192)
        {
            // The reader keeps up (each chunk read before the next is sent); the stalled one does not.
            await EmitAsync(qemu, output.AsMemory(at, 8192));
            Assert.Equal(output.AsSpan(at, 8192).ToArray(), await ReadExactlyAsync(reader, 8192));
        }

        await WaitUntilAsync(() => hub.ClientCount == 1, "the stalled client to be dropped");
        Assert.True(await ClosedAsync(stalled));
        lock (_log)
            Assert.Contains(_log, l => l == "Domain 7: console client 1 dropped: more than 32768 bytes behind");
        await EmitAsync(qemu, "still here"u8.ToArray());
        Assert.Equal("still here", await ReadTextAsync(reader, "still here"));
        await reader.SendAsync("typed after\n"u8.ToArray(), _cancel);
        Assert.Equal("typed after\n", await ReadTextAsync(qemu, "typed after\n"));
    }

    [Fact]
    public async Task OutputQemuCouldNotPutOnItsSocketStillReachesEveryClientInOrder()
    {
        // virtio-console drops what its chardev socket refuses (EAGAIN) and only logs it.
        await using var hub = StartHub();
        using var qemu = await AcceptHubAsync();
        using var a = await AttachAsync(HubPath);
        using var b = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 2, "two clients");
        await EmitAsync(qemu, "sent 1\n"u8.ToArray());
        await EmitAsync(qemu, "dropped by QEMU 2\n"u8.ToArray(), socketFull: true);
        await EmitAsync(qemu, "sent 3\n"u8.ToArray());
        await EmitAsync(qemu, "dropped by QEMU 4\n"u8.ToArray(), socketFull: true);
        const string all = "sent 1\ndropped by QEMU 2\nsent 3\ndropped by QEMU 4\n";
        Assert.Equal(all, await ReadTextAsync(a, all));
        Assert.Equal(all, await ReadTextAsync(b, all));
    }

    [Fact]
    public async Task ReconnectsWhenQemusSideDropsAndClientsStayAttached()
    {
        await using var hub = StartHub();
        var first = await AcceptHubAsync();
        using var client = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 1, "the client");
        await EmitAsync(first, "one\n"u8.ToArray());
        Assert.Equal("one\n", await ReadTextAsync(client, "one\n"));
        first.Dispose(); // QEMU's side goes away (e.g. the previous connection's owner died)

        using var second = await AcceptHubAsync();
        await EmitAsync(second, "two\n"u8.ToArray());
        Assert.Equal("two\n", await ReadTextAsync(client, "two\n"));
        await client.SendAsync("typed\n"u8.ToArray(), _cancel);
        Assert.Equal("typed\n", await ReadTextAsync(second, "typed\n"));
        lock (_log)
            Assert.Contains("Domain 7: console reconnected to QEMU", _log);
    }

    [Fact]
    public async Task InputWhileQemuIsNotConnectedIsDroppedNotQueued()
    {
        _qemu.Dispose(); // no QEMU listening
        await using var hub = StartHub();
        using var client = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 1, "the client");
        await client.SendAsync("lost\n"u8.ToArray(), _cancel);
        await Task.Delay(100, _cancel);
        Assert.False(hub.Connected);
        Assert.Equal(1, hub.ClientCount);
    }

    [Fact]
    public async Task DisposingClosesClientsAndQemusConnectionAndRemovesTheSocket()
    {
        var hub = StartHub();
        using var qemu = await AcceptHubAsync();
        using var a = await AttachAsync(HubPath);
        using var b = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 2, "two clients");
        await hub.DisposeAsync().AsTask().WaitAsync(Patience, _cancel);
        Assert.True(await ClosedAsync(a));
        Assert.True(await ClosedAsync(b));
        Assert.True(await ClosedAsync(qemu));
        Assert.False(File.Exists(HubPath));
        await Assert.ThrowsAsync<SocketException>(() => AttachAsync(HubPath));
        await hub.DisposeAsync(); // twice is harmless
    }

    [Fact]
    public async Task StartsWithTheLogsTailAndReplacesAStaleSocket()
    {
        File.WriteAllText(LogPath, new string('x', 100) + "XENO-GUEST-READY\n");
        File.WriteAllText(HubPath, "stale"); // a previous xenod's leftover
        await using var hub = StartHub(new ConsoleHubOptions { RingBytes = 32 });
        Assert.Equal(new string('x', 15) + "XENO-GUEST-READY\n", Encoding.ASCII.GetString(hub.Ring.Snapshot()));
        using var client = await AttachAsync(HubPath);
        await WaitUntilAsync(() => hub.ClientCount == 1, "the client");
    }

    [Fact]
    public async Task RotatesTheLogPastItsSizeLimitAsOutputArrives()
    {
        await using var hub = StartHub(new ConsoleHubOptions { LogMaxBytes = 1000, LogGenerations = 2, ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        using var qemu = await AcceptHubAsync();
        for (int i = 1; i <= 3; i++)
        {
            await EmitAsync(qemu, Encoding.ASCII.GetBytes(new string((char)('a' + i), 1500)));
            var rotated = new string((char)('a' + i), 1500);
            await WaitUntilAsync(() => File.Exists(LogPath + ".1") && File.ReadAllText(LogPath + ".1") == rotated, $"rotation {i}");
        }
        Assert.Equal(new string('d', 1500), File.ReadAllText(LogPath + ".1"));
        Assert.Equal(new string('c', 1500), File.ReadAllText(LogPath + ".2"));
        Assert.False(File.Exists(LogPath + ".3"));
        lock (_log)
            Assert.Contains("Domain 7: console log rotated at 1000 bytes", _log);
    }

    /// <summary>A viewer's output until <paramref name="end"/> ends it (or fails after the patience).</summary>
    private static async Task<byte[]> ReadViewerUntilAsync(ConsoleViewer viewer, byte[] end)
    {
        var seen = new List<byte>();
        while (seen.Count < end.Length || !seen[^end.Length..].SequenceEqual(end))
        {
            var chunk = await viewer.ReadAsync().AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken);
            Assert.False(chunk.IsEmpty, "the viewer was closed");
            seen.AddRange(chunk.ToArray());
        }
        return [.. seen];
    }

    [Fact]
    public async Task AnAttachedViewerGetsTheRecentOutputThenTheLiveOutputWithoutGapOrRepeat()
    {
        await using var hub = StartHub(new ConsoleHubOptions { RingBytes = 4096, ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        using var qemu = await AcceptHubAsync();
        var random = new Random(29);
        var output = new byte[40_000];
        random.NextBytes(output);
        // Viewers attach while output streams in: each must see one contiguous stretch of it,
        // from where the ring began at its attach to the end.
        var viewers = new List<ConsoleViewer>();
        for (int at = 0; at < output.Length;)
        {
            int n = Math.Min(random.Next(1, 3000), output.Length - at);
            await EmitAsync(qemu, output.AsMemory(at, n));
            at += n;
            if (viewers.Count < 4 && random.Next(4) == 0)
                viewers.Add(hub.AttachViewer());
        }
        Assert.NotEmpty(viewers);
        var end = output[^16..];
        foreach (var viewer in viewers)
        {
            using var _ = viewer;
            // Read until the output's last bytes arrive (random bytes: they end it only there).
            var seen = await ReadViewerUntilAsync(viewer, end);
            // One contiguous stretch: the ring at its attach, then everything after.
            Assert.Equal(output[^seen.Length..], seen);
        }
        // The viewers type to the guest like any client.
        using var typist = hub.AttachViewer();
        await typist.WriteAsync("typed by a viewer\n"u8.ToArray(), _cancel);
        Assert.Equal("typed by a viewer\n", await ReadTextAsync(qemu, "typed by a viewer\n"));
        Assert.Equal(output[^4096..], await ReadViewerUntilAsync(typist, end));
    }

    [Fact]
    public async Task AViewerAttachedBeforeAnyOutputSeesOnlyLiveOutputAndAClosedHubRefuses()
    {
        var hub = StartHub();
        using var qemu = await AcceptHubAsync();
        var viewer = hub.AttachViewer();
        Assert.Equal(1, hub.ClientCount);
        // Waiting before the output arrives: the hub hands it over as it delivers.
        var first = viewer.ReadAsync().AsTask();
        await EmitAsync(qemu, "first words\n"u8.ToArray());
        Assert.Equal("first words\n", Encoding.ASCII.GetString((await first.WaitAsync(Patience, _cancel)).Span));
        viewer.Dispose();
        Assert.Equal(0, hub.ClientCount);
        Assert.True((await viewer.ReadAsync()).IsEmpty);
        // A viewer still attached when the hub closes reads the end.
        var last = hub.AttachViewer();
        Assert.Equal("first words\n", Encoding.ASCII.GetString((await last.ReadAsync()).Span)); // the ring
        var ended = last.ReadAsync().AsTask();
        await hub.DisposeAsync();
        Assert.True((await ended.WaitAsync(Patience, _cancel)).IsEmpty);
        Assert.Throws<ObjectDisposedException>(() => hub.AttachViewer());
    }

    [Fact]
    public async Task AViewerThatStopsReadingIsDroppedOnceTooFarBehindAndTheOthersCarryOn()
    {
        await using var hub = StartHub(new ConsoleHubOptions { ClientBacklogBytes = 10_000, ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        using var qemu = await AcceptHubAsync();
        using var idle = hub.AttachViewer();
        using var reader = hub.AttachViewer();
        var output = new byte[30_000];
        new Random(31).NextBytes(output);
        // In step with the reader, so the hub delivers the output in small pieces (one larger
        // than the backlog would drop the reader too).
        var seen = new List<byte>();
        for (int at = 0; at < output.Length; at += 1000)
        {
            await EmitAsync(qemu, output.AsMemory(at, 1000));
            seen.AddRange(await ReadViewerUntilAsync(reader, output[(at + 984)..(at + 1000)]));
        }
        Assert.Equal(output, seen.ToArray());
        await WaitUntilAsync(() => hub.ClientCount == 1, "the idle viewer to be dropped");
        Assert.True((await idle.ReadAsync()).IsEmpty);
        lock (_log)
            Assert.Contains(_log, l => l.StartsWith($"Domain 7: console client {idle.Id} dropped: more than 10000 bytes behind", StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync()
    {
        _qemu.Dispose();
        _logWriter.Dispose();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
