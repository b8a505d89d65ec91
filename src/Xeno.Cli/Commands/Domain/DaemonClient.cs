using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Xeno.Cli.Commands.Domain;

/// <summary>An error answer from xenod (or no xenod at all); <see cref="Exception.Message"/> is printable.</summary>
public sealed class DaemonException(string message, string kind, int status) : Exception(message)
{
    /// <summary>"invalid", "notfound", "conflict", "noparavirt", "failed", or "unreachable".</summary>
    public string Kind { get; } = kind;
    public int Status { get; } = status;
}

/// <summary>
/// xl's side of the xenod API (docs/api.md): HTTP/1.1 + JSON over the unix socket
/// &lt;prefix&gt;/run/xeno/xenod.sock. Synchronous, as xl's commands are.
/// </summary>
public sealed class DaemonClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _socket;
    private readonly string _prefix;

    /// <param name="prefix">The host prefix the socket belongs to, named when no xenod answers.</param>
    public DaemonClient(string socketPath, string prefix = "/")
    {
        _socket = socketPath;
        _prefix = prefix;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        // Starting QEMU under load can take a while; xl waits for it as it waits for libxl.
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://xenod/"), Timeout = TimeSpan.FromMinutes(5) };
    }

    public static DaemonClient For(XlContext ctx) => new(ctx.Host.DaemonSocket, ctx.Host.Prefix);

    public JsonNode Get(string path) => Send(HttpMethod.Get, path, null);

    public JsonNode Post(string path, JsonObject? body = null) => Send(HttpMethod.Post, path, body);

    private JsonNode Send(HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, "v1/" + path);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request);
        }
        catch (HttpRequestException e)
        {
            throw new DaemonException(DaemonUnreachable.Message(_prefix, _socket, DaemonUnreachable.Cause(_socket, e.InnerException?.Message ?? e.Message)), "unreachable", 0);
        }
        using (response)
        {
            using var reader = new StreamReader(response.Content.ReadAsStream());
            var text = reader.ReadToEnd();
            JsonNode? node;
            try
            {
                node = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                throw new DaemonException($"xenod answered {(int)response.StatusCode} with something that is not JSON", "failed", (int)response.StatusCode);
            }
            if (!response.IsSuccessStatusCode)
            {
                var message = node?["error"]?.GetValue<string>() ?? $"xenod answered {(int)response.StatusCode}";
                var kind = node?["kind"]?.GetValue<string>() ?? "failed";
                throw new DaemonException(message, kind, (int)response.StatusCode);
            }
            return node ?? new JsonObject();
        }
    }

    /// <summary>The path segment for a domain argument (escaped: names may hold any character).</summary>
    public static string Dom(string idOrName) => "domains/" + Uri.EscapeDataString(idOrName);

    public void Dispose() => _http.Dispose();
}
