using System.Net.Sockets;
using System.Net.WebSockets;
using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

public sealed partial class XenodClient
{
    private readonly Lock _upgradesGate = new();
    private HttpMessageInvoker? _upgrades;

    /// <summary>
    /// Attaches to a domain's console (GET …/console/attach, a WebSocket on xenod's socket): the
    /// socket's first binary messages are the recent output, then the live output follows;
    /// send bytes (binary or text) to type. Several viewers may attach at once. The caller
    /// disposes the socket. A refusal is a <see cref="XenodException"/> as for any request.
    /// </summary>
    public Task<WebSocket> AttachConsoleAsync(string dom, CancellationToken cancel = default) =>
        ConnectWebSocketAsync(dom, "console/attach", "attach to the console of", cancel);

    /// <summary>
    /// Opens a connection to an hvm domain's VNC server (GET …/vnc, a WebSocket on xenod's
    /// socket): binary messages carry the RFB protocol both ways, from the server's greeting on.
    /// The caller disposes the socket. A refusal is a <see cref="XenodException"/>.
    /// </summary>
    public Task<WebSocket> AttachVncAsync(string dom, CancellationToken cancel = default) =>
        ConnectWebSocketAsync(dom, "vnc", "open the VNC display of", cancel);

    /// <summary>
    /// <see cref="AttachConsoleAsync"/> for a reader on a thread of its own: the WebSocket is on
    /// a socket in blocking mode (<see cref="BlockingSocketStream"/>), so its receive blocks the
    /// caller's thread until xenod's next message, and a send writes before it returns. The
    /// reading thread then wakes straight from the socket: no event thread and no thread-pool
    /// hand-off per message (the keystroke round trip, BENCHMARKS.md). Receive only on a thread
    /// that may block; send from anywhere. The handshake runs on a thread of its own.
    /// </summary>
    public Task<WebSocket> AttachConsoleOnThreadAsync(string dom, CancellationToken cancel = default) =>
        ConnectOnThreadAsync(dom, "console/attach", "attach to the console of", cancel);

    /// <summary><see cref="AttachVncAsync"/> for a reader on a thread of its own, as <see cref="AttachConsoleOnThreadAsync"/>.</summary>
    public Task<WebSocket> AttachVncOnThreadAsync(string dom, CancellationToken cancel = default) =>
        ConnectOnThreadAsync(dom, "vnc", "open the VNC display of", cancel);

    /// <summary>How long a send on an <c>OnThread</c> WebSocket may block before xenod counts as gone.</summary>
    public static readonly TimeSpan BlockedSendLimit = TimeSpan.FromSeconds(30);

    private async Task<WebSocket> ConnectOnThreadAsync(string dom, string route, string what, CancellationToken cancel)
    {
        var path = "/v1/" + DomainPath(dom) + "/" + route;
        var (ws, refused) = await Task.Factory.StartNew(() => Handshake(path, cancel), cancel,
            TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        return ws ?? throw await RefusalAsync(dom, refused, what, null, cancel);
    }

    /// <summary>
    /// Connects and upgrades with blocking calls only (the socket must stay in blocking mode):
    /// the WebSocket, or the status xenod refused the upgrade with.
    /// </summary>
    private (WebSocket? Ws, int Refused) Handshake(string path, CancellationToken cancel)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bool handedOver = false;
        try
        {
            using var _ = cancel.Register(s.Dispose);
            s.Connect(new UnixDomainSocketEndPoint(_socket));
            // Sends block (the socket stays in blocking mode): a xenod that stops reading for
            // this long is taken as gone rather than holding the sending thread.
            s.SendTimeout = (int)BlockedSendLimit.TotalMilliseconds;
            var key = WebSocketHandshake.NewKey();
            ReadOnlySpan<byte> request = WebSocketHandshake.Request("xenod", path, key);
            while (!request.IsEmpty)
                request = request[s.Send(request)..];
            var buffer = new byte[WebSocketHandshake.MaxHead];
            int got = 0, end;
            while ((end = WebSocketHandshake.HeadEnd(buffer.AsSpan(0, got))) < 0)
            {
                if (got == buffer.Length)
                    throw new XenodException(ApiErrorKind.Failed, $"xenod's answer to {path}: the answer head is longer than {WebSocketHandshake.MaxHead} bytes", 0);
                int n = s.Receive(buffer.AsSpan(got));
                if (n == 0)
                    throw new SocketException((int)SocketError.ConnectionReset);
                got += n;
            }
            var answer = WebSocketHandshake.Read(buffer.AsSpan(0, end), key);
            if (answer.Problem is not null)
            {
                return answer.Status is > 0 and not 101
                    ? (null, answer.Status)
                    : throw new XenodException(ApiErrorKind.Failed, $"xenod's answer to {path}: {answer.Problem}", 0);
            }
            // The bytes past the head are the first frames (the console's recent output).
            var stream = new BlockingSocketStream(s, buffer.AsMemory(end, got - end));
            handedOver = true;
            // A viewer may idle for hours; pings notice a xenod that went away.
            return (WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) }), 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            cancel.ThrowIfCancellationRequested();
            throw new XenodException(ApiErrorKind.Unreachable, DaemonUnreachable.Message(_prefix, _socket, new HttpRequestException(e.Message, e)), 0, e);
        }
        finally
        {
            if (!handedOver)
                s.Dispose();
        }
    }

    private async Task<XenodException> RefusalAsync(string dom, int status, string what, Exception? inner, CancellationToken cancel)
    {
        // The refusal's JSON is not handed to a WebSocket client: ask the same question as a
        // plain request to get xenod's own words (no such domain, …).
        await GetDomainAsync(dom, cancel);
        return new XenodException(status switch { 409 => ApiErrorKind.Conflict, 400 => ApiErrorKind.Invalid, _ => ApiErrorKind.Failed },
            $"xenod refused to {what} {dom} ({status})", status, inner);
    }

    private async Task<WebSocket> ConnectWebSocketAsync(string dom, string route, string what, CancellationToken cancel)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        // A viewer may idle for hours; pings notice a xenod that went away.
        ws.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        var uri = new Uri(new Uri("ws://xenod/"), "v1/" + DomainPath(dom) + "/" + route);
        try
        {
            await ws.ConnectAsync(uri, Upgrades, cancel);
            return ws;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            var status = (int)ws.HttpStatusCode;
            ws.Dispose();
            if (status == 0)
                throw new XenodException(ApiErrorKind.Unreachable, DaemonUnreachable.Message(_prefix, _socket,
                    e as HttpRequestException ?? e.InnerException as HttpRequestException ?? new HttpRequestException(e.InnerException?.Message ?? e.Message, e.InnerException)), 0, e);
            throw await RefusalAsync(dom, status, what, e, cancel);
        }
    }

    /// <summary>The handler WebSocket upgrades go through (the same unix socket as every request).</summary>
    private HttpMessageInvoker Upgrades
    {
        get
        {
            lock (_upgradesGate)
                return _upgrades ??= new HttpMessageInvoker(XenodSocket.CreateHandler(_socket));
        }
    }
}
