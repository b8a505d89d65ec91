using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Xeno.Panel.Consoles;

/// <summary>Why a console ticket was not accepted (each is audited by its name).</summary>
public enum TicketCheck { Ok, Missing, Unknown, Expired, WrongSession }

/// <summary>Which console a ticket opens: one page's ticket never opens the other console.</summary>
public enum ConsoleKind { Serial, Vnc }

/// <summary>
/// Short-lived, one-shot tickets for console WebSockets. The console page issues one per view,
/// bound to the viewer's session and the VM; the WebSocket must present it within
/// <see cref="Lifetime"/>. A WebSocket handshake carries the cookie but no antiforgery token
/// and is not bound by CORS, so the ticket, readable only by a page of the panel's own
/// origin, is what stops another site from opening a console with the user's cookie.
/// Tickets live in memory: a restarted panel has none, and the page is simply reloaded.
/// </summary>
public sealed class ConsoleTickets(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private sealed record Ticket(string Session, long UserId, long VmId, ConsoleKind Kind, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<string, Ticket> _tickets = new(StringComparer.Ordinal);

    public int Count => _tickets.Count;

    public string Issue(string session, long userId, long vmId, ConsoleKind kind = ConsoleKind.Serial)
    {
        var now = clock.GetUtcNow();
        foreach (var (token, ticket) in _tickets)
        {
            if (ticket.Expires <= now)
                _tickets.TryRemove(token, out _);
        }
        var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tickets[fresh] = new Ticket(session, userId, vmId, kind, now + Lifetime);
        return fresh;
    }

    /// <summary>
    /// Checks and uses up a ticket: any presentation of a known ticket spends it (a ticket
    /// shown by the wrong session is stolen, and the page it belongs to is reloaded).
    /// </summary>
    public TicketCheck Redeem(string? token, string session, long userId, long vmId, ConsoleKind kind = ConsoleKind.Serial)
    {
        if (string.IsNullOrEmpty(token))
            return TicketCheck.Missing;
        if (!_tickets.TryRemove(token, out var ticket))
            return TicketCheck.Unknown;
        if (ticket.Session != session || ticket.UserId != userId || ticket.VmId != vmId || ticket.Kind != kind)
            return TicketCheck.WrongSession;
        return ticket.Expires <= clock.GetUtcNow() ? TicketCheck.Expired : TicketCheck.Ok;
    }

    public static string Explain(TicketCheck check) => check switch
    {
        TicketCheck.Missing => "no console ticket",
        TicketCheck.Unknown => "unknown or already used console ticket",
        TicketCheck.Expired => "expired console ticket",
        TicketCheck.WrongSession => "console ticket of another session, VM or console",
        _ => "ok",
    };
}
