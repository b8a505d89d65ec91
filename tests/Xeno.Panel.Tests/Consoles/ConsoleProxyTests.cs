using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xeno.Panel.Consoles;

namespace Xeno.Panel.Tests.Consoles;

/// <summary>
/// The panel's relay between a browser's WebSocket and xenod's, on real WebSockets over unix
/// sockets: bytes both ways, xenod's close reaching the browser, the browser's close reaching
/// xenod, the console closing when the session ends, and a browser that stops reading cut after
/// the send deadline (xenod told "viewer left") while another viewer's relay goes on.
/// </summary>
public sealed class ConsoleProxyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xpp-").FullName;
    private int _pairs;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two WebSockets talking to each other: (client end, server end).</summary>
    private async Task<(WebSocket Client, WebSocket Server)> PairAsync()
    {
        var path = Path.Combine(_dir, $"s{++_pairs}");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var accept = listener.AcceptAsync(Ct);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path), Ct);
        var server = await accept;
        return (WebSocket.CreateFromStream(new NetworkStream(client, true), isServer: false, null, Timeout.InfiniteTimeSpan),
                WebSocket.CreateFromStream(new NetworkStream(server, true), isServer: true, null, Timeout.InfiniteTimeSpan));
    }

    private static async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(WebSocket ws)
    {
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var r = await ws.ReceiveAsync(buffer, timeout.Token);
        return (r.MessageType, Encoding.UTF8.GetString(buffer, 0, r.Count));
    }

    [Fact]
    public async Task BytesPassBothWaysAndXenodsCloseReachesTheBrowser()
    {
        var (browser, browserServer) = await PairAsync();
        var (xenodClient, xenod) = await PairAsync();
        var relay = ConsoleProxy.RunAsync(browserServer, xenodClient, () => true, CancellationToken.None);

        await browser.SendAsync("ls\r"u8.ToArray(), WebSocketMessageType.Text, true, Ct);
        Assert.Equal((WebSocketMessageType.Binary, "ls\r"), await ReceiveAsync(xenod));
        await xenod.SendAsync("bin  etc\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, Ct);
        Assert.Equal((WebSocketMessageType.Binary, "bin  etc\r\n"), await ReceiveAsync(browser));

        // The domain went away: xenod closes, the browser is told the same.
        await xenod.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "console closed", Ct);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(browser)).Type);
        Assert.Equal((WebSocketCloseStatus.NormalClosure, "console closed"), (browser.CloseStatus, browser.CloseStatusDescription));
        await browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", Ct);
        await relay.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task TheBrowsersCloseReachesXenod()
    {
        var (browser, browserServer) = await PairAsync();
        var (xenodClient, xenod) = await PairAsync();
        var relay = ConsoleProxy.RunAsync(browserServer, xenodClient, () => true, CancellationToken.None);
        await browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "tab closed", Ct);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(xenod)).Type);
        Assert.Equal("viewer left", xenod.CloseStatusDescription);
        await xenod.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "console closed", Ct);
        await relay.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(browser)).Type);
    }

    [Fact]
    public async Task TheConsoleClosesWhenTheSessionEnds()
    {
        var (browser, browserServer) = await PairAsync();
        var (xenodClient, xenod) = await PairAsync();
        bool live = true;
        var relay = ConsoleProxy.RunAsync(browserServer, xenodClient, () => Volatile.Read(ref live), CancellationToken.None,
            sessionCheck: TimeSpan.FromMilliseconds(20));
        await xenod.SendAsync("still here\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, Ct);
        Assert.Equal((WebSocketMessageType.Binary, "still here\r\n"), await ReceiveAsync(browser));
        Volatile.Write(ref live, false);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(browser)).Type);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "the session ended"), (browser.CloseStatus, browser.CloseStatusDescription));
        await browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", Ct);
        await relay.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        // xenod's side was cut, so nothing more reaches the guest.
        Assert.NotEqual(WebSocketState.Open, xenodClient.State);
    }

    [Fact]
    public async Task ABrowserThatStopsReadingIsCutAtTheSendDeadlineAndOtherViewersGoOn()
    {
        var (stuck, stuckServer) = await PairAsync();
        var (stuckXenodClient, stuckXenod) = await PairAsync();
        var (other, otherServer) = await PairAsync();
        var (otherXenodClient, otherXenod) = await PairAsync();
        var deadline = TimeSpan.FromMilliseconds(300);
        var stuckRelay = ConsoleProxy.RunAsync(stuckServer, stuckXenodClient, () => true, CancellationToken.None, sendDeadline: deadline);
        var otherRelay = ConsoleProxy.RunAsync(otherServer, otherXenodClient, () => true, CancellationToken.None, sendDeadline: deadline);

        // The guest writes without pause; the stuck viewer never reads, so the socket buffers fill
        // and the relay's send to it blocks until the deadline cuts it.
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        var writer = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < 4096; i++)
                    await stuckXenod.SendAsync(chunk, WebSocketMessageType.Binary, true, Ct);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
            {
                // The relay gave up on the stuck viewer and cut this side too.
            }
        }, Ct);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(stuckXenod)).Type);
        Assert.Equal("viewer left", stuckXenod.CloseStatusDescription);
        await stuckRelay.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(WebSocketState.Aborted, stuckServer.State);
        await writer.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // The other viewer's console still works both ways.
        await otherXenod.SendAsync("still here\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, Ct);
        Assert.Equal((WebSocketMessageType.Binary, "still here\r\n"), await ReceiveAsync(other));
        await other.SendAsync("ls\r"u8.ToArray(), WebSocketMessageType.Text, true, Ct);
        Assert.Equal((WebSocketMessageType.Binary, "ls\r"), await ReceiveAsync(otherXenod));
        await other.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "tab closed", Ct);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(otherXenod)).Type);
        await otherXenod.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "console closed", Ct);
        await otherRelay.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        stuck.Dispose();
    }
}
