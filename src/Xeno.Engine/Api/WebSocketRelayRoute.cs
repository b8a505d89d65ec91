using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>
/// A domain's GET route that is only a WebSocket upgrade, relayed (<see cref="SocketWebSocketRelay"/>) to a
/// socket the route connects for each client: the console hub viewer (<see cref="ConsoleAttachRoute"/>), the
/// VNC connection (<see cref="VncRoute"/>). The socket is connected before the upgrade, so its refusals (no
/// such domain, no console) are ordinary API errors.
/// </summary>
internal static class WebSocketRelayRoute
{
    /// <param name="what">The route's name in the refusal of a plain request.</param>
    /// <param name="closedReason">The close reason when the socket's side ends.</param>
    /// <param name="connect">The socket for domain <c>dom</c>.</param>
    public static void Map(WebApplication app, string route, string what, string closedReason, Func<string, CancellationToken, Task<Socket>> connect)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet(route, (string dom, HttpContext http) => ApiServer.Guard(async () =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
                throw new EngineException(EngineErrorKind.Invalid, $"{what} is a WebSocket: send the upgrade request (Connection: Upgrade, Upgrade: websocket)");
            using var socket = await connect(dom, http.RequestAborted);
            using var ws = await http.WebSockets.AcceptWebSocketAsync();
            await SocketWebSocketRelay.RunAsync(ws, socket, closedReason, stopping);
            // The response is the upgraded connection: nothing more to write.
            return Results.Empty;
        }));
    }
}
