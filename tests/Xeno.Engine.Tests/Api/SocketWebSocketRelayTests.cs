using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using Xeno.Engine.Api;
using Xeno.Qemu.Interop;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// The relay behind the console and VNC WebSockets, on real sockets (socket pairs, a WebSocket
/// over one): bytes both ways, the close handshake, and the send deadline that cuts a client
/// which stops reading.
/// </summary>
public sealed class SocketWebSocketRelayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BytesGoBothWaysAndTheSocketsEndClosesTheWebSocketWithTheReason()
    {
        var (source, relayEnd) = UnixRights.CreatePair();
        var (serverStream, clientStream) = UnixRights.CreatePair();
        using var server = WebSocket.CreateFromStream(new NetworkStream(serverStream, ownsSocket: true), isServer: true, null, TimeSpan.Zero);
        using var client = WebSocket.CreateFromStream(new NetworkStream(clientStream, ownsSocket: true), isServer: false, null, TimeSpan.Zero);
        using (source)
        using (relayEnd)
        {
            var relay = SocketWebSocketRelay.RunAsync(server, relayEnd, "test closed", CancellationToken.None);
            await source.SendAsync("from-socket"u8.ToArray(), SocketFlags.None, Ct);
            var buffer = new byte[64];
            var r = await client.ReceiveAsync(buffer, Ct);
            Assert.Equal("from-socket", System.Text.Encoding.ASCII.GetString(buffer, 0, r.Count));
            await client.SendAsync("from-client"u8.ToArray(), WebSocketMessageType.Binary, true, Ct);
            int n = await source.ReceiveAsync(buffer, SocketFlags.None, Ct);
            Assert.Equal("from-client", System.Text.Encoding.ASCII.GetString(buffer, 0, n));

            source.Shutdown(SocketShutdown.Both);
            r = await client.ReceiveAsync(buffer, Ct);
            Assert.Equal((WebSocketMessageType.Close, "test closed"), (r.MessageType, client.CloseStatusDescription));
            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", Ct);
            await relay.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
    }

    [Fact]
    public async Task AClientThatStopsReadingIsCutAtTheSendDeadline()
    {
        var (source, relayEnd) = UnixRights.CreatePair();
        var (serverStream, clientStream) = UnixRights.CreatePair();
        using var server = WebSocket.CreateFromStream(new NetworkStream(serverStream, ownsSocket: true), isServer: true, null, TimeSpan.Zero);
        using var silent = clientStream; // never read: the kernel's buffers fill, then the relay's send waits
        using (source)
        using (relayEnd)
        {
            var deadline = TimeSpan.FromMilliseconds(500);
            var relay = SocketWebSocketRelay.RunAsync(server, relayEnd, "test closed", CancellationToken.None, deadline);
            var chunk = new byte[64 * 1024];
            var sw = Stopwatch.StartNew();
            // Keep the relay busy sending until it gives up; the source's own buffer fills too,
            // so writes do not block (non-blocking, a short wait when full).
            source.Blocking = false;
            while (!relay.IsCompleted && sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    source.Send(chunk);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    await Task.Delay(50, Ct);
                }
                catch (SocketException)
                {
                    break; // the relay shut its end down
                }
            }
            await relay.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(WebSocketState.Aborted, server.State);
        }
    }
}
