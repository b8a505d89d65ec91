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

    internal static Task SocketAsync(HttpContext http, string id) =>
        ConsoleEndpoints.RelayAsync(http, id, ConsoleKind.Vnc, "vm.vnc", "graphical console attached",
            (xenod, vm, cancel) => xenod.AttachVncOnThreadAsync(vm.Name, cancel),
            (vm, e) => e.Kind switch
            {
                ApiErrorKind.NotFound => $"{vm.Name} is not running.",
                ApiErrorKind.Invalid => $"{vm.Name} is not running as an hvm guest: it has no graphical console.",
                ApiErrorKind.Conflict => $"{vm.Name} has no graphical console now.",
                _ => e.Message,
            },
            CloseWithReasonAsync);

    /// <summary>RFB has no place for a message before the server's greeting: the close says why.</summary>
    private static async Task CloseWithReasonAsync(WebSocket browser, string why)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await browser.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, why.Length > 120 ? why[..120] : why, grace.Token);
        }
        catch (Exception c) when (c is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }
}
