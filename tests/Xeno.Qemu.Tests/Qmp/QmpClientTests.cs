using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Tests.Qmp;

/// <summary>
/// The client against a peer on a real unix socket whose every line the test writes, so
/// orderings QEMU rarely produces (answers out of order, garbage, abrupt close) are exercised.
/// The client against QEMU itself is covered by the boot tests.
/// </summary>
public sealed class QmpClientTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private Socket? _listener;
    private Socket? _peer;
    private StreamReader? _fromClient;
    private NetworkStream? _toClient;
    private QmpClient? _client;
    private CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        string path = _dir.File("qmp");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(1);
        var connecting = QmpClient.ConnectAsync(path, Token);
        _peer = await _listener.AcceptAsync(Token);
        _toClient = new NetworkStream(_peer);
        _fromClient = new StreamReader(_toClient, Encoding.UTF8);
        await Send(QmpMessageParserTests.Greeting);
        var capabilities = await Receive();
        Assert.Equal("qmp_capabilities", capabilities["execute"]!.GetValue<string>());
        await Send($$"""{"return": {}, "id": "{{capabilities["id"]}}"}""");
        _client = await connecting;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
        _peer?.Dispose();
        _listener?.Dispose();
        _dir.Dispose();
    }

    private async Task Send(string line) => await _toClient!.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), Token);

    private async Task<JsonObject> Receive()
    {
        var line = await _fromClient!.ReadLineAsync(Token);
        Assert.NotNull(line);
        return JsonNode.Parse(line)!.AsObject();
    }

    [Fact]
    public void GreetingIsKept()
    {
        Assert.Equal(7, _client!.Greeting.Major);
    }

    [Fact]
    public async Task AnswersAreMatchedByIdEvenOutOfOrder()
    {
        var status = _client!.QueryStatusAsync(Token);
        var cpus = _client.QueryCpusFastAsync(Token);
        var first = await Receive();
        var second = await Receive();
        var byCommand = new[] { first, second }.ToDictionary(m => m["execute"]!.GetValue<string>(), m => m["id"]!.GetValue<string>());
        await Send($$"""{"return": [{"cpu-index": 0, "thread-id": 11}, {"cpu-index": 1, "thread-id": 12}], "id": "{{byCommand["query-cpus-fast"]}}"}""");
        await Send("""{"timestamp": {"seconds": 5, "microseconds": 6}, "event": "STOP"}""");
        await Send($$"""{"return": {"status": "paused", "singlestep": false, "running": false}, "id": "{{byCommand["query-status"]}}"}""");

        Assert.Equal(new QmpStatus("paused", false), await status);
        Assert.Equal([new QmpCpu(0, 11), new QmpCpu(1, 12)], await cpus);
        var stop = await _client.Events.ReadAsync(Token);
        Assert.Equal("STOP", stop.Name);
    }

    [Fact]
    public async Task CommandsCarryTheirArguments()
    {
        var setting = _client!.SetVncPasswordAsync("s3cret", Token);
        var sent = await Receive();
        Assert.Equal("change-vnc-password", sent["execute"]!.GetValue<string>());
        Assert.Equal("s3cret", sent["arguments"]!["password"]!.GetValue<string>());
        await Send($$"""{"return": {}, "id": "{{sent["id"]}}"}""");
        await setting;
    }

    [Fact]
    public async Task BalloonSendsBytesAndQueryBalloonReadsTheActualSize()
    {
        var setting = _client!.BalloonAsync(128L << 20, Token);
        var sent = await Receive();
        Assert.Equal("balloon", sent["execute"]!.GetValue<string>());
        Assert.Equal(128L << 20, sent["arguments"]!["value"]!.GetValue<long>());
        await Send($$"""{"return": {}, "id": "{{sent["id"]}}"}""");
        await setting;

        var query = _client.QueryBalloonAsync(Token);
        sent = await Receive();
        Assert.Equal("query-balloon", sent["execute"]!.GetValue<string>());
        await Send($$"""{"return": {"actual": 268435456}, "id": "{{sent["id"]}}"}""");
        Assert.Equal(256L << 20, await query);

        foreach (var bad in new[] { "{}", """{"actual": "1"}""", """{"actual": -5}""", "[]" })
        {
            query = _client.QueryBalloonAsync(Token);
            sent = await Receive();
            await Send($$"""{"return": {{bad}}, "id": "{{sent["id"]}}"}""");
            await Assert.ThrowsAsync<QmpProtocolException>(() => query);
        }
    }

    [Fact]
    public async Task ErrorAnswersBecomeCommandExceptions()
    {
        var reset = _client!.SystemResetAsync(Token);
        var sent = await Receive();
        await Send($$$"""{"id": "{{{sent["id"]}}}", "error": {"class": "GenericError", "desc": "no reset for you"}}""");
        var error = await Assert.ThrowsAsync<QmpCommandException>(() => reset);
        Assert.Equal("QMP command 'system_reset' failed: GenericError: no reset for you", error.Message);
    }

    [Fact]
    public async Task GarbageFromThePeerEndsTheConnectionWithAClearError()
    {
        var pending = _client!.StopAsync(Token);
        await Receive();
        await Send("{\"return\": {}, \"id\": oops}");
        var error = await Assert.ThrowsAsync<QmpDisconnectedException>(() => pending);
        Assert.StartsWith("QMP connection lost: malformed JSON from QEMU", error.Message, StringComparison.Ordinal);
        var cause = await _client.Closed;
        Assert.IsType<QmpProtocolException>(cause);
        await Assert.ThrowsAsync<QmpProtocolException>(async () => await _client.Events.Completion);
        await Assert.ThrowsAsync<QmpDisconnectedException>(() => _client.ContinueAsync(Token));
    }

    [Fact]
    public async Task PeerClosingFailsPendingCommandsAndCompletesEvents()
    {
        var pending = _client!.ContinueAsync(Token);
        await Receive();
        await Send("""{"timestamp": {"seconds": 5, "microseconds": 6}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}""");
        _peer!.Shutdown(SocketShutdown.Both);
        var error = await Assert.ThrowsAsync<QmpDisconnectedException>(() => pending);
        Assert.Equal("QMP connection closed (QEMU exited?)", error.Message);
        Assert.Null(await _client.Closed);
        var events = new List<QmpEvent>();
        await foreach (var e in _client.Events.ReadAllAsync(Token))
            events.Add(e);
        Assert.Equal("host-qmp-quit", Assert.Single(events).Reason);
    }

    [Fact]
    public async Task QuitToleratesTheSocketClosingInsteadOfAnAnswer()
    {
        var quit = _client!.QuitAsync(Token);
        await Receive();
        _peer!.Shutdown(SocketShutdown.Both);
        await quit;
    }

    [Fact]
    public async Task CancelledCommandIsForgottenAndALateAnswerIsIgnored()
    {
        using var cts = new CancellationTokenSource();
        var pending = _client!.StopAsync(cts.Token);
        var sent = await Receive();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await Send($$"""{"return": {}, "id": "{{sent["id"]}}"}""");
        var next = _client.ContinueAsync(Token);
        var second = await Receive();
        await Send($$"""{"return": {}, "id": "{{second["id"]}}"}""");
        await next;
    }

    [Fact]
    public async Task WrongShapedAnswerIsAProtocolError()
    {
        var status = _client!.QueryStatusAsync(Token);
        var sent = await Receive();
        await Send($$"""{"return": {"status": 3}, "id": "{{sent["id"]}}"}""");
        await Assert.ThrowsAsync<QmpProtocolException>(() => status);
        var cpus = _client.QueryCpusFastAsync(Token);
        sent = await Receive();
        await Send($$"""{"return": [{"cpu-index": "0", "thread-id": 1}], "id": "{{sent["id"]}}"}""");
        await Assert.ThrowsAsync<QmpProtocolException>(() => cpus);
    }

    [Fact]
    public async Task HandshakeRefusesAPeerThatIsNotQmp()
    {
        using var dir = new TempDir();
        string path = dir.File("notqmp");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var connecting = QmpClient.ConnectAsync(path, Token);
        using var peer = await listener.AcceptAsync(Token);
        await peer.SendAsync("SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray(), SocketFlags.None, Token);
        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => connecting);
        Assert.StartsWith("malformed JSON from QEMU", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommandQemuNeverAnswersFailsAtItsDeadlineAndLaterCommandsStillWork()
    {
        _client!.DefaultTimeout = TimeSpan.FromMilliseconds(200);
        var hung = _client.ExecuteAsync("stop", null, Token);
        var sent = await Receive();
        Assert.Equal("stop", sent["execute"]!.GetValue<string>());
        var e = await Assert.ThrowsAsync<QmpTimeoutException>(() => hung.WaitAsync(TimeSpan.FromMinutes(1), Token));
        Assert.Equal("stop", e.Command);
        Assert.Equal("QMP command 'stop' got no answer within 0.2 s", e.Message);
        // The late answer is dropped; the next command gets its own.
        await Send($$"""{"return": {}, "id": "{{sent["id"]}}"}""");
        var next = _client.ExecuteAsync("cont", null, TimeSpan.FromMinutes(1), Token);
        var cont = await Receive();
        await Send($$"""{"return": {"x": 1}, "id": "{{cont["id"]}}"}""");
        Assert.Equal(1, (await next).GetProperty("x").GetInt32());
    }
}
