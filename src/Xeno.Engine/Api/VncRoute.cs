using Microsoft.AspNetCore.Builder;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>
/// GET /v1/domains/{dom}/vnc as a WebSocket upgrade: the hvm domain's graphical console, the RFB
/// protocol in binary messages both ways (what noVNC speaks through a WebSocket), from the VNC
/// server's greeting on. Each client is its own VNC connection, handed to QEMU over QMP
/// (<see cref="Consoles.Vnc.VncConnector"/>): no VNC port is involved (docs/api.md).
/// </summary>
public static class VncRoute
{
    public const string Route = ApiRoutes.Domain + "/vnc";

    public static void Map(WebApplication app, DomainEngine engine) =>
        WebSocketRelayRoute.Map(app, Route, "vnc", engine.ConnectVncAsync,
            (ws, socket, stopping) => SocketWebSocketRelay.RunAsync(ws, socket, "VNC connection closed", stopping));
}
