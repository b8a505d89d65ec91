using Xeno.Panel.Consoles;

namespace Xeno.Panel.Pages.Vms;

/// <summary>A VM's serial console in the browser (xterm.js, wwwroot/js/console.js).</summary>
public sealed class ConsoleModel(ConsoleTickets tickets) : ConsolePageModel(tickets, ConsoleKind.Serial, ConsoleEndpoints.SocketPath);
