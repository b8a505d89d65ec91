using System.Globalization;
using System.Text.Json;
using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>xenod refused the event stream, is unreachable, or sent something that is not an event.</summary>
public sealed class EventStreamException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A reader of xenod's GET /v1/events as JSON lines over its unix socket, with the
/// source-generated contract (no reflection: xl is published with Native AOT). Read events until
/// <see cref="ReadAsync"/> answers null (xenod stopped, or dropped this reader after a
/// stream_dropped marker); reopen with after = <see cref="LastId"/> to go on without a gap.
/// </summary>
public sealed class EventStream : IAsyncDisposable, IDisposable
{
    /// <summary>The response header set when the stream starts with an events_lost marker.</summary>
    public const string LostHeader = "Xeno-Events-Lost";

    private readonly HttpClient? _ownedClient;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpClient? ownedClient, HttpResponseMessage response, StreamReader reader, long? after)
    {
        _ownedClient = ownedClient;
        _response = response;
        _reader = reader;
        LastId = after ?? 0;
        Lost = response.Headers.TryGetValues(LostHeader, out var v) ? string.Join(" ", v) : null;
    }

    /// <summary>Set when xenod's history did not reach back to the id asked for (its explanation).</summary>
    public string? Lost { get; }

    /// <summary>The id of the last event or marker read (resume with after = this).</summary>
    public long LastId { get; private set; }

    /// <summary>
    /// Opens the stream on xenod's socket. When this returns, xenod has subscribed this reader:
    /// with <paramref name="after"/> null, every event published from now on will arrive.
    /// </summary>
    public static async Task<EventStream> OpenAsync(string socketPath, long? after = null, string? domain = null, CancellationToken cancel = default)
    {
        var http = new HttpClient(XenodSocket.CreateHandler(socketPath))
        {
            BaseAddress = XenodSocket.BaseAddress,
            // A stream stays open for as long as the reader wants it.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        try
        {
            return await OpenAsync(http, after, domain, cancel, owned: true);
        }
        catch (HttpRequestException e)
        {
            http.Dispose();
            throw new EventStreamException(DaemonUnreachable.Message(null, socketPath, e), e);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Opens the stream through <paramref name="http"/> (its base address is xenod's root).</summary>
    public static Task<EventStream> OpenAsync(HttpClient http, long? after, string? domain, CancellationToken cancel) =>
        OpenAsync(http, after, domain, cancel, owned: false);

    private static async Task<EventStream> OpenAsync(HttpClient http, long? after, string? domain, CancellationToken cancel, bool owned)
    {
        var query = new List<string>();
        if (after is { } a)
            query.Add("after=" + a.ToString(CultureInfo.InvariantCulture));
        if (domain is not null)
            query.Add("domain=" + Uri.EscapeDataString(domain));
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events" + (query.Count > 0 ? "?" + string.Join("&", query) : ""));
        request.Headers.Accept.ParseAdd("application/x-ndjson");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        try
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancel);
                throw new EventStreamException(ErrorText(text) ?? $"xenod answered {(int)response.StatusCode} to GET /v1/events");
            }
            var body = await response.Content.ReadAsStreamAsync(cancel);
            return new EventStream(owned ? http : null, response, new StreamReader(body), after);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The next event or marker; null when xenod ended the stream.</summary>
    public async ValueTask<DomainEvent?> ReadAsync(CancellationToken cancel = default)
    {
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cancel);
            }
            catch (IOException)
            {
                // xenod went away mid-stream: the same as an end, the caller reconnects.
                return null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
            if (line is null)
                return null;
            if (line.Length == 0)
                continue;
            var e = ParseLine(line);
            LastId = e.Id;
            return e;
        }
    }

    /// <summary>One JSON line of the stream as an event; a clear error for anything else.</summary>
    public static DomainEvent ParseLine(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, ApiJsonContext.Default.DomainEvent)
                   ?? throw new EventStreamException("xenod sent a null event");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            var shown = line.Length > 80 ? line[..80] + "…" : line;
            throw new EventStreamException($"xenod sent a line that is not an event ({e.Message}): {shown}", e);
        }
    }

    private static string? ErrorText(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
        _ownedClient?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
