using System.Globalization;
using System.Net.WebSockets;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Consoles;

/// <summary>
/// The graphical console's WebSocket, /Vms/Vnc/{id}/socket?token=T (noVNC on the page
/// Pages/Vms/Vnc connects it): the same checks as the serial console's
/// (<see cref="ConsoleEndpoints.Admit"/>, with a ticket for this console), then a VNC connection
/// through xenod (GET …/vnc, which needs no VNC port) relayed message by message
/// (<see cref="ConsoleProxy"/>: the session is watched as for the serial console).
/// </summary>
public static class VncEndpoints
{
    public const string SocketRoute = "/Vms/Vnc/{id}/socket";

    public static string SocketPath(long vmId) => $"/Vms/Vnc/{vmId.ToString(CultureInfo.InvariantCulture)}/socket";

    internal static async Task SocketAsync(HttpContext http, string id)
    {
        if (ConsoleEndpoints.Admit(http, id, ConsoleKind.Vnc) is not { } admitted)
            return;
        var (user, vm, session) = admitted;
        var services = http.RequestServices;
        var audit = services.GetRequiredService<AuditLog>();
        var remote = CurrentUser.Remote(http);
        using var browser = await http.WebSockets.AcceptWebSocketAsync();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        WebSocket xenod;
        try
        {
            xenod = await services.GetRequiredService<XenodClients>().For(vm.HostId).AttachVncAsync(vm.Name, stopping);
        }
        catch (XenodException e)
        {
            var why = e.Kind switch
            {
                ApiErrorKind.NotFound => $"{vm.Name} is not running.",
                ApiErrorKind.Invalid => $"{vm.Name} is not running as an hvm guest: it has no graphical console.",
                ApiErrorKind.Conflict => $"{vm.Name} has no graphical console now.",
                _ => e.Message,
            };
            audit.Write(user.Name, "vm.vnc", vm.Name, remote, "failed", why);
            // RFB has no place for a message before the server's greeting: the close says why.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await browser.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, why.Length > 120 ? why[..120] : why, grace.Token);
            }
            catch (Exception c) when (c is WebSocketException or IOException or OperationCanceledException)
            {
            }
            return;
        }
        audit.Write(user.Name, "vm.vnc", vm.Name, remote, "ok", "graphical console attached");
        var sessions = services.GetRequiredService<Sessions>();
        using (xenod)
            await ConsoleProxy.RunAsync(browser, xenod, () => sessions.IsLive(session, user.Id), stopping);
    }
}
