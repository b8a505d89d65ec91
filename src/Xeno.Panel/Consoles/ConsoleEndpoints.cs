using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Consoles;

/// <summary>
/// The serial console's WebSocket, /Vms/Console/{id}/socket?token=T (the page Pages/Vms/Console
/// connects it). Checked in this order, each refusal audited (<see cref="Admit"/>, shared
/// with <see cref="VncEndpoints"/>): a live session (401), the VM rule of every VM page (404 for
/// another owner's VM or none, as <see cref="VmAccessFilter"/>), the page's one-shot ticket
/// (403), a WebSocket request (400). Then it attaches to xenod through the typed client and
/// relays bytes both ways (<see cref="ConsoleProxy"/>).
/// </summary>
public static class ConsoleEndpoints
{
    public const string SocketRoute = "/Vms/Console/{id}/socket";

    public static string SocketPath(long vmId) => $"/Vms/Console/{vmId.ToString(CultureInfo.InvariantCulture)}/socket";

    public static IServiceCollection AddPanelConsoles(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleTickets>();
        // Pings keep proxies in front of the panel from closing an idle console.
        services.Configure<WebSocketOptions>(o => o.KeepAliveInterval = TimeSpan.FromSeconds(30));
        return services;
    }

    public static void MapPanelConsoles(this WebApplication app)
    {
        app.MapGet(SocketRoute, SocketAsync);
        app.MapGet(VncEndpoints.SocketRoute, VncEndpoints.SocketAsync);
    }

    private static Task SocketAsync(HttpContext http, string id) =>
        RelayAsync(http, id, ConsoleKind.Serial, "vm.console", "serial console attached",
            (xenod, vm, cancel) => xenod.AttachConsoleOnThreadAsync(vm.Name, cancel),
            (vm, e) => e.Kind == ApiErrorKind.NotFound ? $"{vm.Name} is not running." : e.Message,
            RefuseAsync);

    /// <summary>
    /// One console WebSocket, serial or VNC: <see cref="Admit"/>, then the upgrade, the attach to
    /// xenod (<paramref name="attach"/>, a WebSocket for a reader thread) audited as <paramref name="action"/>, and the relay until
    /// either side ends (<see cref="ConsoleProxy"/>, which also ends it when the session does). A
    /// refused attach is audited with <paramref name="explain"/>'s reason and told to the browser.
    /// </summary>
    internal static async Task RelayAsync(HttpContext http, string id, ConsoleKind kind, string action, string attached,
        Func<XenodClient, PanelVm, CancellationToken, Task<WebSocket>> attach,
        Func<PanelVm, XenodException, string> explain,
        Func<WebSocket, string, Task> refuse)
    {
        if (Admit(http, id, kind) is not { } admitted)
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
            xenod = await attach(services.GetRequiredService<XenodClients>().For(vm.HostId), vm, stopping);
        }
        catch (XenodException e)
        {
            var why = explain(vm, e);
            audit.Write(user.Name, action, vm.Name, remote, "failed", why);
            await refuse(browser, why);
            return;
        }
        audit.Write(user.Name, action, vm.Name, remote, "ok", attached);
        var sessions = services.GetRequiredService<Sessions>();
        using (xenod)
            await ConsoleProxy.RunAsync(browser, xenod, () => sessions.IsLive(session, user.Id), stopping);
    }

    /// <summary>
    /// The checks every console WebSocket passes before its upgrade, in this order, each refusal
    /// audited and answered: a live session (401), the VM rule of every VM page (404), the page's
    /// one-shot ticket for this console (403), a WebSocket request (400). Null once refused.
    /// </summary>
    internal static (PanelUser User, PanelVm Vm, string Session)? Admit(HttpContext http, string id, ConsoleKind kind)
    {
        var services = http.RequestServices;
        var audit = services.GetRequiredService<AuditLog>();
        var remote = CurrentUser.Remote(http);
        var user = CurrentUser.Of(http);
        var session = PanelClaims.SessionId(http.User);
        if (user is null || session is null)
        {
            audit.Write(null, "console.socket", id, remote, "refused", "not signed in");
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return null;
        }
        var vm = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long vmId) ? services.GetRequiredService<VmRecords>().Get(vmId) : null;
        if (vm is null || !services.GetRequiredService<VmAccess>().Allows(user, vm))
        {
            audit.Write(user.Name, "vm.access", id, remote, "refused", $"{http.Request.Method} {http.Request.Path}");
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return null;
        }
        var check = services.GetRequiredService<ConsoleTickets>().Redeem(http.Request.Query["token"], session, user.Id, vm.Id, kind);
        if (check != TicketCheck.Ok)
        {
            audit.Write(user.Name, "console.socket", vm.Name, remote, "refused", ConsoleTickets.Explain(check));
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return null;
        }
        if (!http.WebSockets.IsWebSocketRequest)
        {
            audit.Write(user.Name, "console.socket", vm.Name, remote, "refused", "not a WebSocket request");
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        return (user, vm, session);
    }

    /// <summary>Says why on the terminal (a close reason alone is easy to miss) and closes.</summary>
    private static async Task RefuseAsync(WebSocket browser, string why)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await browser.SendAsync(Encoding.UTF8.GetBytes($"\r\n[xeno-panel] {why}\r\n"), WebSocketMessageType.Binary, true, grace.Token);
            await browser.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, why.Length > 120 ? why[..120] : why, grace.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }
}
