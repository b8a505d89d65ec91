using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Consoles;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Pages.Vms;

/// <summary>
/// A VM's serial console in the browser (xterm.js, wwwroot/js/console.js). <see cref="VmAccessFilter"/>
/// has checked access; each view gets its own one-shot ticket for the WebSocket.
/// </summary>
public sealed class ConsoleModel(ConsoleTickets tickets) : PageModel
{
    public PanelVm Vm { get; private set; } = null!;

    /// <summary>The WebSocket's path with this view's ticket.</summary>
    public string SocketUrl { get; private set; } = "";

    public void OnGet()
    {
        Vm = (PanelVm)HttpContext.Items[VmAccessFilter.Key]!;
        var user = CurrentUser.Of(HttpContext)!;
        var token = tickets.Issue(PanelClaims.SessionId(User)!, user.Id, Vm.Id);
        SocketUrl = ConsoleEndpoints.SocketPath(Vm.Id) + "?token=" + Uri.EscapeDataString(token);
        // The ticket is in the page: never cached, never kept for another view.
        Response.Headers.CacheControl = "no-store";
    }
}
