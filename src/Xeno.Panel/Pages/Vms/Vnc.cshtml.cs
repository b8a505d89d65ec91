using Xeno.Panel.Consoles;

namespace Xeno.Panel.Pages.Vms;

/// <summary>An hvm VM's graphical console in the browser (noVNC, wwwroot/js/vnc.js).</summary>
public sealed class VncModel(ConsoleTickets tickets) : ConsolePageModel(tickets, ConsoleKind.Vnc, VncEndpoints.SocketPath);
