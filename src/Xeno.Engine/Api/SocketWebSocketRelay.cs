using System.Net.Sockets;
using System.Net.WebSockets;

namespace Xeno.Engine.Api;

/// <summary>
/// Bytes between a socket (a console hub viewer, a VNC connection) and a WebSocket, both ways,
/// until either side ends (the domain goes away, the client closes, xenod stops), with a proper
/// close handshake: a WebSocket receive is never cancelled (that would abort the socket), each
/// direction ends by its peer instead. A client that stops reading is cut after
/// <see cref="SendDeadline"/> (its send never completes) so it cannot hold the relay for ever.
/// Never throws: the HTTP response is already the upgraded connection.
/// </summary>
internal static class SocketWebSocketRelay
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long one message to the client may take before the client counts as gone.</summary>
    public static readonly TimeSpan SendDeadline = TimeSpan.FromSeconds(30);

    /// <param name="closedReason">The close reason when the socket's side ends (e.g. "console closed").</param>
    /// <param name="sendDeadline">Tests shorten <see cref="SendDeadline"/>.</param>
    public static async Task RunAsync(WebSocket ws, Socket socket, string closedReason, CancellationToken stopping, TimeSpan? sendDeadline = null)
    {
        var toClient = ToClientAsync(ws, socket, closedReason, sendDeadline ?? SendDeadline, stopping);
        var fromClient = FromClientAsync(ws, socket);
        await Task.WhenAny(toClient, fromClient).ConfigureAwait(false);
        // Whichever ended, the other follows: the socket's end stops the output pump
        // (which then closes the WebSocket), the client's close answer stops the input pump.
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        var both = Task.WhenAll(toClient, fromClient);
        if (await Task.WhenAny(both, Task.Delay(CloseGrace, CancellationToken.None)).ConfigureAwait(false) != both)
            ws.Abort();
        await both.ConfigureAwait(false);
    }

    /// <summary>The socket's bytes to the client; at their end, the WebSocket's close (this is its only sender).</summary>
    private static async Task ToClientAsync(WebSocket ws, Socket socket, string closedReason, TimeSpan sendDeadline, CancellationToken stopping)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false)) > 0)
            {
                // A cancelled send aborts the WebSocket: right for a client that stopped reading.
                using var deadline = new CancellationTokenSource(sendDeadline);
                await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, endOfMessage: true, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        if (ws.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        using var grace = new CancellationTokenSource(CloseGrace);
        try
        {
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, stopping.IsCancellationRequested ? "xenod is stopping" : closedReason, grace.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The client's messages, as raw bytes, to the socket; ends at the client's close.</summary>
    private static async Task FromClientAsync(WebSocket ws, Socket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                    return;
                var data = buffer.AsMemory(0, r.Count);
                while (data.Length > 0)
                {
                    int n = await socket.SendAsync(data, SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
                    data = data[n..];
                }
            }
        }
        catch (Exception e) when (e is SocketException or WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
