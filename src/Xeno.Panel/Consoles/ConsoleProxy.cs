using System.Net.WebSockets;

namespace Xeno.Panel.Consoles;

/// <summary>
/// Relays a browser's console WebSocket and xenod's (GET …/console/attach) both ways, message
/// by message, until either closes. The session is looked at every <see cref="SessionCheck"/>:
/// once it ends (logout, an admin revoking it) the console closes too, as the cookie would no
/// longer open it. Each socket has one sender here (a WebSocket allows one send and one
/// receive at a time), so a stop is an abort of xenod's side that the pumps turn into closes.
/// A browser that stops reading is cut after <see cref="SendDeadline"/> (its send never
/// completes), as xenod's own relay does, so it cannot hold the relay (and xenod's viewer) for ever.
/// xenod's messages are read on a thread of the relay's own that also sends them to the browser:
/// with xenod's WebSocket on a blocking socket (<see cref="Xeno.Api.Client.XenodClient.AttachConsoleOnThreadAsync"/>)
/// the kernel wakes that thread when xenod writes, and no socket event thread or thread-pool
/// hand-off lies between xenod's echo and the browser's send (the keystroke round trip,
/// BENCHMARKS.md). One thread per open console; the browser's messages go to xenod on Kestrel's
/// threads as they arrive (a send to xenod's socket does not wait for a thread).
/// </summary>
public static class ConsoleProxy
{
    public static readonly TimeSpan SessionCheck = TimeSpan.FromSeconds(10);

    /// <summary>How long one message to the browser may take before the browser counts as gone.</summary>
    public static readonly TimeSpan SendDeadline = TimeSpan.FromSeconds(30);

    /// <summary>The reader thread's stack: a loop of a receive and a send.</summary>
    private const int ReaderStack = 256 * 1024;

    /// <summary>How long a side may take to finish its close handshake before it is cut.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    /// <param name="sendDeadline">Tests shorten <see cref="SendDeadline"/>.</param>
    public static async Task RunAsync(WebSocket browser, WebSocket xenod, Func<bool> sessionLive, CancellationToken stopping,
        TimeSpan? sessionCheck = null, TimeSpan? sendDeadline = null)
    {
        string? stopReason = null;
        var toBrowser = ToBrowserAsync();
        var toXenod = ToXenodAsync();
        using var watchStop = new CancellationTokenSource();
        var watch = WatchAsync(watchStop.Token);

        await Task.WhenAny(toBrowser, toXenod, watch);
        if (watch.IsCompleted)
            xenod.Abort(); // toBrowser sees it and closes the browser's side with the reason
        await Task.WhenAny(Task.WhenAll(toBrowser, toXenod), Task.Delay(CloseGrace, CancellationToken.None));
        browser.Abort();
        xenod.Abort();
        await Task.WhenAll(toBrowser, toXenod);
        await watchStop.CancelAsync();
        await watch;

        async Task ToBrowserAsync()
        {
            var done = new TaskCompletionSource<(WebSocketCloseStatus, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() => done.SetResult(PumpToBrowser()), ReaderStack) { IsBackground = true, Name = "console relay" };
            thread.Start();
            var (status, description) = await done.Task;
            await CloseAsync(browser, status, description);
        }

        // On the reader thread: a receive that completes at once (xenod's WebSocket on a blocking
        // socket) continues here without a hand-off; one that does not is waited for, as is a
        // send that has to wait for the browser (its deadline still cuts it).
        (WebSocketCloseStatus, string) PumpToBrowser()
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var receive = xenod.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    var r = receive.IsCompleted ? receive.Result : receive.AsTask().GetAwaiter().GetResult();
                    if (r.MessageType == WebSocketMessageType.Close)
                        return (xenod.CloseStatus ?? WebSocketCloseStatus.NormalClosure, xenod.CloseStatusDescription ?? "console closed");
                    // A cancelled send aborts the browser's WebSocket: right for a browser that stopped reading.
                    using var deadline = new CancellationTokenSource(sendDeadline ?? SendDeadline);
                    var send = browser.SendAsync(buffer.AsMemory(0, r.Count), WebSocketMessageType.Binary, r.EndOfMessage, deadline.Token);
                    if (send.IsCompleted)
                        send.GetAwaiter().GetResult();
                    else
                        send.AsTask().GetAwaiter().GetResult();
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                return stopReason is null
                    ? (WebSocketCloseStatus.InternalServerError, "lost the connection to xenod")
                    : (WebSocketCloseStatus.PolicyViolation, stopReason);
            }
        }

        async Task ToXenodAsync()
        {
            var buffer = new byte[4 * 1024];
            try
            {
                while (true)
                {
                    var r = await browser.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close)
                        break;
                    // Keystrokes and pastes as raw bytes: xenod types text and binary alike.
                    await xenod.SendAsync(buffer.AsMemory(0, r.Count), WebSocketMessageType.Binary, r.EndOfMessage, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
            await CloseAsync(xenod, WebSocketCloseStatus.NormalClosure, "viewer left");
        }

        async Task WatchAsync(CancellationToken cancel)
        {
            using var timer = new PeriodicTimer(sessionCheck ?? SessionCheck);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancel, stopping);
            try
            {
                while (await timer.WaitForNextTickAsync(both.Token))
                {
                    if (!sessionLive())
                    {
                        stopReason = "the session ended";
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancel.IsCancellationRequested)
            {
                stopReason = "the panel is stopping";
                return;
            }
            catch (OperationCanceledException)
            {
                // Cancelled because the relay already ended.
            }
        }
    }

    private static async Task CloseAsync(WebSocket ws, WebSocketCloseStatus status, string description)
    {
        if (ws.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        using var grace = new CancellationTokenSource(CloseGrace);
        try
        {
            // A close reason is at most 123 bytes.
            await ws.CloseOutputAsync(status, description.Length > 120 ? description[..120] : description, grace.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
