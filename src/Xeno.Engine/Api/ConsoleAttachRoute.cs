using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Consoles;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>
/// GET /v1/domains/{dom}/console/attach as a WebSocket upgrade: a viewer of the domain's console
/// hub. The first binary messages carry the recent output (what GET …/console answers), the
/// rest the live output; every message the client sends (binary or text, as raw bytes) goes to
/// the guest. Any number may attach, beside the hub's own socket's clients (docs/api.md).
/// </summary>
public static class ConsoleAttachRoute
{
    public const string Route = ApiRoutes.Domain + "/console/attach";

    public static void Map(WebApplication app, DomainEngine engine)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet(Route, (string dom, HttpContext http) => ApiServer.Guard(async () =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
                throw new EngineException(EngineErrorKind.Invalid, "console/attach is a WebSocket: send the upgrade request (Connection: Upgrade, Upgrade: websocket)");
            var d = await engine.GetAsync(dom, http.RequestAborted);
            var hub = engine.Consoles.Find(d.Domid)
                      ?? throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid}: the console is not connected (xl dmesg says why)");
            ConsoleViewer viewer;
            try
            {
                viewer = hub.AttachViewer();
            }
            catch (ObjectDisposedException)
            {
                throw new EngineException(EngineErrorKind.NotFound, $"Domain {d.Domid} is going away: its console is closed");
            }
            using (viewer)
            {
                using var ws = await http.WebSockets.AcceptWebSocketAsync();
                await SocketWebSocketRelay.RunAsync(ws, viewer, "console closed", stopping);
            }
            // The response is the upgraded connection: nothing more to write.
            return Results.Empty;
        }));
    }
}
