using System.Net.Sockets;
using System.Net.WebSockets;

namespace Xeno.Engine.Api;

/// <summary>
/// Bytes between a console hub viewer socket and a WebSocket, both ways, until either side
/// ends (the domain goes away, the client closes, xenod stops), with a proper close handshake:
/// a WebSocket receive is never cancelled (that would abort the socket), each direction ends
/// by its peer instead. Never throws: the HTTP response is already the upgraded connection.
/// </summary>
internal static class ConsoleWebSocketRelay
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(WebSocket ws, Socket console, CancellationToken stopping)
    {
        var toClient = ToClientAsync(ws, console, stopping);
        var toGuest = ToGuestAsync(ws, console);
        await Task.WhenAny(toClient, toGuest).ConfigureAwait(false);
        // Whichever ended, the other follows: the viewer socket's end stops the output pump
        // (which then closes the WebSocket), the client's close answer stops the input pump.
        try
        {
            console.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        var both = Task.WhenAll(toClient, toGuest);
        if (await Task.WhenAny(both, Task.Delay(CloseGrace, CancellationToken.None)).ConfigureAwait(false) != both)
            ws.Abort();
        await both.ConfigureAwait(false);
    }

    /// <summary>Guest output to the client; at its end, the WebSocket's close (this is its only sender).</summary>
    private static async Task ToClientAsync(WebSocket ws, Socket console, CancellationToken stopping)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await console.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false)) > 0)
                await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        if (ws.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        using var grace = new CancellationTokenSource(CloseGrace);
        try
        {
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, stopping.IsCancellationRequested ? "xenod is stopping" : "console closed", grace.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The client's messages, as raw bytes, to the guest; ends at the client's close.</summary>
    private static async Task ToGuestAsync(WebSocket ws, Socket console)
    {
        var buffer = new byte[4 * 1024];
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
                    int n = await console.SendAsync(data, SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
                    data = data[n..];
                }
            }
        }
        catch (Exception e) when (e is SocketException or WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
