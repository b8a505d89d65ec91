using Microsoft.AspNetCore.Builder;
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

    public static void Map(WebApplication app, DomainEngine engine) =>
        WebSocketRelayRoute.Map(app, Route, "console/attach", async (dom, cancel) =>
        {
            var d = await engine.GetAsync(dom, cancel);
            var hub = engine.Consoles.Find(d.Domid)
                      ?? throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid}: the console is not connected (xl dmesg says why)");
            try
            {
                return hub.AttachViewer();
            }
            catch (ObjectDisposedException)
            {
                throw new EngineException(EngineErrorKind.NotFound, $"Domain {d.Domid} is going away: its console is closed");
            }
        }, (ws, viewer, stopping) => SocketWebSocketRelay.RunAsync(ws, viewer, "console closed", stopping));
}
