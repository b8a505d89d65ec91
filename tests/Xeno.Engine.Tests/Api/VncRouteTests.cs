using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using Xeno.Api.Client;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// GET /v1/domains/{dom}/vnc against a real QEMU: one hvm domain, created paused (its VNC server
/// runs from the start; no boot is needed to speak RFB with it), with a VNC password that the
/// WebSocket's connection skips. Two clients at once (one through the typed client's upgrade for a
/// reader thread), and the refusals.
/// </summary>
public sealed class VncRouteTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Socket => WebSocketRouteRefusals.ApiSocket(_x);

    [Fact]
    public async Task EachClientGetsItsOwnVncConnectionWithoutThePassword()
    {
        var cfg = _x.WriteConfig("vncd.cfg", "name=\"vncd\"\ntype=\"hvm\"\nmemory=64\nvnc=1\nvncpasswd=\"locked-for-tcp\"\nboot=\"c\"\n");
        var create = _x.Xl("create", "-q", "-p", cfg);
        Assert.True(create.Exit == 0, create.Err);
        using var client = new XenodClient(Socket);
        using var a = await client.AttachVncAsync("vncd", Ct);
        // The second as xeno-panel opens it: the hand-written upgrade on a blocking socket.
        using var b = await client.AttachVncOnThreadAsync("vncd", Ct);
        var (width, height) = await HandshakeAsync(a);
        Assert.True(width > 0 && height > 0, $"framebuffer {width}x{height}");
        Assert.Equal((width, height), await HandshakeAsync(b));
        // A framebuffer update request: QEMU answers with a FramebufferUpdate (message type 0).
        var request = new byte[10];
        request[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), width);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), height);
        await a.SendAsync(request, WebSocketMessageType.Binary, true, Ct);
        Assert.Equal(0, (await ReadAsync(a, 1))[0]);

        await a.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        await b.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        await DrainToCloseAsync(a);
        await DrainToCloseAsync(b);
        Assert.Equal(0, _x.Xl("destroy", "vncd").Exit);
    }

    [Fact]
    public async Task APlainRequestAndAMissingDomainAreRefused()
    {
        await WebSocketRouteRefusals.APlainRequestIsToldToUpgradeAsync(_x, "/v1/domains/nosuch/vnc", Ct);
        using var client = new XenodClient(Socket);
        await WebSocketRouteRefusals.AMissingDomainIsNamedAsync(() => client.AttachVncAsync("nosuch", Ct));
        await WebSocketRouteRefusals.AMissingDomainIsNamedAsync(() => client.AttachVncOnThreadAsync("nosuch", Ct));
    }

    /// <summary>RFB 3.8 up to ServerInit, choosing security type None (offered only because the password is skipped).</summary>
    private async Task<(ushort Width, ushort Height)> HandshakeAsync(WebSocket ws)
    {
        Assert.Equal("RFB 003.008\n", Encoding.ASCII.GetString(await ReadAsync(ws, 12)));
        await ws.SendAsync("RFB 003.008\n"u8.ToArray(), WebSocketMessageType.Binary, true, Ct);
        var count = (await ReadAsync(ws, 1))[0];
        Assert.Equal([1], await ReadAsync(ws, count)); // None only: no VNC password asked
        await ws.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, true, Ct);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(await ReadAsync(ws, 4)));
        await ws.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, true, Ct); // ClientInit, shared
        var init = await ReadAsync(ws, 24);
        await ReadAsync(ws, (int)BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(20))); // the desktop's name
        return (BinaryPrimitives.ReadUInt16BigEndian(init), BinaryPrimitives.ReadUInt16BigEndian(init.AsSpan(2)));
    }

    // RFB is a byte stream: messages split and join across WebSocket messages as the relay reads them.
    private readonly Dictionary<WebSocket, Queue<byte>> _pending = [];

    private async Task<byte[]> ReadAsync(WebSocket ws, int n)
    {
        if (!_pending.TryGetValue(ws, out var q))
            _pending[ws] = q = new Queue<byte>();
        var buffer = new byte[64 * 1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (q.Count < n)
        {
            var r = await ws.ReceiveAsync(buffer, timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, r.MessageType);
            Assert.Equal(WebSocketMessageType.Binary, r.MessageType);
            for (int i = 0; i < r.Count; i++)
                q.Enqueue(buffer[i]);
        }
        var result = new byte[n];
        for (int i = 0; i < n; i++)
            result[i] = q.Dequeue();
        return result;
    }

    private static async Task DrainToCloseAsync(WebSocket ws)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while ((await ws.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
        }
    }
}
