using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Consoles;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Pages.Vms;

/// <summary>
/// A VM's console page, serial (<see cref="ConsoleModel"/>) or graphical (<see cref="VncModel"/>).
/// <see cref="VmAccessFilter"/> has checked access; each view gets its own one-shot ticket, good only
/// for its kind of console's WebSocket.
/// </summary>
public abstract class ConsolePageModel(ConsoleTickets tickets, ConsoleKind kind, Func<long, string> socketPath) : PageModel
{
    public PanelVm Vm { get; private set; } = null!;

    /// <summary>The WebSocket's path with this view's ticket.</summary>
    public string SocketUrl { get; private set; } = "";

    public void OnGet()
    {
        Vm = (PanelVm)HttpContext.Items[VmAccessFilter.Key]!;
        var user = CurrentUser.Of(HttpContext)!;
        var token = tickets.Issue(PanelClaims.SessionId(User)!, user.Id, Vm.Id, kind);
        SocketUrl = socketPath(Vm.Id) + "?token=" + Uri.EscapeDataString(token);
        // The ticket is in the page: never cached, never kept for another view.
        Response.Headers.CacheControl = "no-store";
    }
}
