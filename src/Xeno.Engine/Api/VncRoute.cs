using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    public static void Map(WebApplication app, DomainEngine engine)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet(Route, (string dom, HttpContext http) => ApiServer.Guard(async () =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
                throw new EngineException(EngineErrorKind.Invalid, "vnc is a WebSocket: send the upgrade request (Connection: Upgrade, Upgrade: websocket)");
            using var vnc = await engine.ConnectVncAsync(dom, http.RequestAborted);
            using var ws = await http.WebSockets.AcceptWebSocketAsync();
            await SocketWebSocketRelay.RunAsync(ws, vnc, "VNC connection closed", stopping);
            // The response is the upgraded connection: nothing more to write.
            return Results.Empty;
        }));
    }
}
