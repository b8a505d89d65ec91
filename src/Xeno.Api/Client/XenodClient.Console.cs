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
            // The refusal's JSON is not handed to a WebSocket client: ask the same question as a
            // plain request to get xenod's own words (no such domain, …).
            await GetDomainAsync(dom, cancel);
            throw new XenodException(status switch { 409 => ApiErrorKind.Conflict, 400 => ApiErrorKind.Invalid, _ => ApiErrorKind.Failed },
                $"xenod refused to {what} {dom} ({status})", status, e);
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
