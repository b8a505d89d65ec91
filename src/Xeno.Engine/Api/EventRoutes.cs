using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Xeno.Api.Contracts;
using Xeno.Engine.Events;

namespace Xeno.Engine.Api;

/// <summary>
/// GET /v1/events?after=ID&amp;domain=ID|NAME: the event log as a stream that stays open. JSON
/// lines (application/x-ndjson) by default; server-sent events when the client accepts
/// text/event-stream (an id: line per event, and a Last-Event-ID header resumes like after=).
/// Framing and markers are in docs/api.md.
/// </summary>
public static class EventRoutes
{
    /// <summary>Set when the stream starts with an events_lost marker: history did not reach back to the id asked for.</summary>
    public const string LostHeader = "Xeno-Events-Lost";

    /// <summary>Events written before a flush when many are ready at once (a replay).</summary>
    private const int FlushEvery = 64;

    public static void Map(WebApplication app, EventLog events)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet("/v1/events", (HttpContext http) => StreamAsync(http, events, stopping));
    }

    internal static async Task StreamAsync(HttpContext http, EventLog events, CancellationToken stopping)
    {
        var request = http.Request;
        var response = http.Response;
        long? after;
        Func<DomainEvent, bool>? filter;
        try
        {
            string? lastEventId = request.Headers["Last-Event-ID"];
            // An EventSource reconnects with its original URL and Last-Event-ID: the header is newer.
            after = !string.IsNullOrEmpty(lastEventId) ? ParseId(lastEventId, "Last-Event-ID")
                : request.Query["after"] is { Count: > 0 } a ? ParseId(a.ToString(), "after")
                : null;
            filter = request.Query["domain"] is { Count: > 0 } d ? DomainFilter(d.ToString()) : null;
        }
        catch (FormatException e)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "application/json";
            await response.WriteAsync(new JsonObject { ["error"] = e.Message, ["kind"] = "invalid" }.ToJsonString(), CancellationToken.None);
            return;
        }

        bool sse = request.Headers.Accept.Any(v => v is not null && v.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));
        using var sub = events.Subscribe(after, filter);
        response.ContentType = sse ? "text/event-stream" : "application/x-ndjson";
        response.Headers.CacheControl = "no-cache";
        if (sub.Lost is not null)
            response.Headers[LostHeader] = sub.Lost.Message;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        try
        {
            // Headers go out now: once the client has them, its subscription is in place.
            await response.StartAsync(cancel.Token);
            await response.Body.FlushAsync(cancel.Token);
            while (await sub.ReadAsync(cancel.Token) is { } e)
            {
                int written = 0;
                do
                {
                    Write(response, e, sse);
                    if (++written % FlushEvery == 0)
                        await response.BodyWriter.FlushAsync(cancel.Token);
                }
                while (sub.TryRead(out e));
                await response.BodyWriter.FlushAsync(cancel.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, or xenod is stopping: the stream just ends.
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One event in the chosen framing: a JSON line, or an SSE message with its id.</summary>
    internal static byte[] Frame(DomainEvent e, bool sse)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(e, ApiJsonContext.Default.DomainEvent);
        if (!sse)
            return [.. json, (byte)'\n'];
        // Serialized JSON holds no raw newline, so one data: line carries it.
        var head = Encoding.ASCII.GetBytes("id: " + e.Id.ToString(CultureInfo.InvariantCulture) + "\ndata: ");
        return [.. head, .. json, (byte)'\n', (byte)'\n'];
    }

    private static void Write(HttpResponse response, DomainEvent e, bool sse)
    {
        var frame = Frame(e, sse);
        response.BodyWriter.Write(frame);
    }

    private static long ParseId(string text, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new FormatException($"{what} must be an event id (a number of 0 or more), not \"{text}\"");

    /// <summary>
    /// domain=: a number matches the events of that domid (also a restart's new domid); anything
    /// else matches by name (also a rename's old name).
    /// </summary>
    internal static Func<DomainEvent, bool> DomainFilter(string domain)
    {
        if (domain.Length == 0)
            throw new FormatException("domain must be a domain id or name, not empty");
        if (int.TryParse(domain, NumberStyles.None, CultureInfo.InvariantCulture, out var domid))
            return e => e.Domid == domid || e.NewDomid == domid;
        return e => e.Name == domain || e.OldName == domain;
    }
}
