using System.Net.Sockets;
using System.Net.WebSockets;
using Xeno.Engine.Consoles;

namespace Xeno.Engine.Api;

/// <summary>
/// Bytes between a socket (a VNC connection) or a console hub's viewer and a WebSocket, both ways,
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
    public static Task RunAsync(WebSocket ws, Socket socket, string closedReason, CancellationToken stopping, TimeSpan? sendDeadline = null)
    {
        var buffer = new byte[16 * 1024];
        var source = new RelaySource(
            async () => buffer.AsMemory(0, await socket.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false)),
            async data =>
            {
                while (data.Length > 0)
                {
                    int n = await socket.SendAsync(data, SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
                    data = data[n..];
                }
            },
            () =>
            {
                try
                {
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            });
        return RunAsync(ws, source, closedReason, stopping, sendDeadline);
    }

    /// <summary>
    /// A console hub's in-process viewer and the WebSocket: the viewer's output is sent as it is
    /// handed over (on the hub's delivering thread while the client keeps up), the client's
    /// messages go straight to the guest; no socket between (BENCHMARKS.md, keystroke round trip).
    /// </summary>
    public static Task RunAsync(WebSocket ws, ConsoleViewer viewer, string closedReason, CancellationToken stopping, TimeSpan? sendDeadline = null)
    {
        var source = new RelaySource(viewer.ReadAsync, data => new ValueTask(viewer.WriteAsync(data, CancellationToken.None)), viewer.Dispose);
        return RunAsync(ws, source, closedReason, stopping, sendDeadline);
    }

    /// <summary>
    /// The socket's side of a relay: <paramref name="Read"/> the next bytes (empty at their end),
    /// <paramref name="Write"/> the client's bytes, <paramref name="End"/> both directions.
    /// </summary>
    private sealed record RelaySource(Func<ValueTask<ReadOnlyMemory<byte>>> Read, Func<ReadOnlyMemory<byte>, ValueTask> Write, Action End);

    private static async Task RunAsync(WebSocket ws, RelaySource source, string closedReason, CancellationToken stopping, TimeSpan? sendDeadline)
    {
        // xenod stopping ends the socket's side, which then closes the WebSocket with the reason.
        using var stop = stopping.Register(source.End);
        var toClient = ToClientAsync(ws, source, closedReason, sendDeadline ?? SendDeadline, stopping);
        var fromClient = FromClientAsync(ws, source);
        await Task.WhenAny(toClient, fromClient).ConfigureAwait(false);
        // Whichever ended, the other follows: the socket's end stops the output pump
        // (which then closes the WebSocket), the client's close answer stops the input pump.
        source.End();
        var both = Task.WhenAll(toClient, fromClient);
        if (await Task.WhenAny(both, Task.Delay(CloseGrace, CancellationToken.None)).ConfigureAwait(false) != both)
            ws.Abort();
        await both.ConfigureAwait(false);
    }

    /// <summary>The socket's bytes to the client; at their end, the WebSocket's close (this is its only sender).</summary>
    private static async Task ToClientAsync(WebSocket ws, RelaySource source, string closedReason, TimeSpan sendDeadline, CancellationToken stopping)
    {
        try
        {
            ReadOnlyMemory<byte> data;
            while ((data = await source.Read().ConfigureAwait(false)).Length > 0)
            {
                // A cancelled send aborts the WebSocket: right for a client that stopped reading.
                using var deadline = new CancellationTokenSource(sendDeadline);
                await ws.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, deadline.Token).ConfigureAwait(false);
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
    private static async Task FromClientAsync(WebSocket ws, RelaySource source)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                    return;
                await source.Write(buffer.AsMemory(0, r.Count)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
