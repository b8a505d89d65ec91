using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>
/// A domain's GET route that is only a WebSocket upgrade, relayed (<see cref="SocketWebSocketRelay"/>) to what
/// the route connects for each client: a console hub viewer (<see cref="ConsoleAttachRoute"/>), the VNC
/// connection (<see cref="VncRoute"/>). It is connected before the upgrade, so its refusals (no such domain,
/// no console) are ordinary API errors.
/// </summary>
internal static class WebSocketRelayRoute
{
    /// <param name="what">The route's name in the refusal of a plain request.</param>
    /// <param name="connect">The socket's side for domain <c>dom</c>.</param>
    /// <param name="relay">Runs the relay between the WebSocket and that side until either ends.</param>
    public static void Map<TSide>(WebApplication app, string route, string what, Func<string, CancellationToken, Task<TSide>> connect,
        Func<WebSocket, TSide, CancellationToken, Task> relay) where TSide : IDisposable
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet(route, (string dom, HttpContext http) => ApiServer.Guard(async () =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
                throw new EngineException(EngineErrorKind.Invalid, $"{what} is a WebSocket: send the upgrade request (Connection: Upgrade, Upgrade: websocket)");
            using var side = await connect(dom, http.RequestAborted);
            using var ws = await http.WebSockets.AcceptWebSocketAsync();
            await relay(ws, side, stopping);
            // The response is the upgraded connection: nothing more to write.
            return Results.Empty;
        }));
    }
}
