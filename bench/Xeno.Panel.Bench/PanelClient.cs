using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace Xeno.Panel.Bench;

/// <summary>
/// One person's browser session without a browser: its own cookies, the forms' antiforgery
/// tokens read from the page as a browser submits them, redirects not followed. Many sessions
/// share one connection pool (<see cref="Handler"/>), as many clients behind one address would.
/// </summary>
internal sealed partial class PanelClient(HttpClient http)
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    /// <summary>Keep-alive connections, no cookie jar of its own (each session keeps its cookies), no redirects.</summary>
    public static HttpClient Http(Uri address) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 256,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };

    public const string Password = "bench password 1";

    /// <summary>Set as X-Forwarded-For on every request (the panel believes it from loopback, as from its reverse proxy).</summary>
    public string? ForwardedFor { get; set; }

    public string CookieHeader
    {
        get
        {
            lock (_cookies) return string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value));
        }
    }

    public sealed record Reply(HttpStatusCode Status, string Body, long Bytes, double Milliseconds, string? Location);

    public Task<Reply> GetAsync(string path, CancellationToken cancel = default) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), cancel);

    /// <summary>Posts a form with the antiforgery token of <paramref name="tokenPage"/> (fetched first, not timed).</summary>
    public async Task<Reply> PostFormAsync(string path, string tokenPage, CancellationToken cancel, params (string Key, string Value)[] fields)
    {
        var page = await GetAsync(tokenPage, cancel);
        var m = TokenField().Match(page.Body);
        if (!m.Success)
            throw new InvalidOperationException($"no antiforgery token on {tokenPage} ({(int)page.Status})");
        var all = fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).ToList();
        all.Add(new("__RequestVerificationToken", WebUtility.HtmlDecode(m.Groups[1].Value)));
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = new FormUrlEncodedContent(all) }, cancel);
    }

    public async Task LoginAsync(string name, CancellationToken cancel = default)
    {
        var r = await PostFormAsync("/Account/Login", "/Account/Login", cancel, ("name", name), ("password", Password));
        if (r.Status != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"login as {name} answered {(int)r.Status}: {r.Body[..Math.Min(300, r.Body.Length)]}");
    }

    /// <summary>The console page's WebSocket path with a fresh ticket, as the page hands it to its script.</summary>
    public async Task<string> ConsoleSocketPathAsync(long vmId, CancellationToken cancel = default)
    {
        var page = await GetAsync($"/Vms/Console/{vmId}", cancel);
        var m = SocketAttribute().Match(page.Body);
        if (!m.Success)
            throw new InvalidOperationException($"the console page of VM {vmId} names no WebSocket ({(int)page.Status})");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    /// <summary>Opens the panel's console WebSocket with this session's cookie and a fresh ticket.</summary>
    public async Task<WebSocket> OpenConsoleAsync(long vmId, CancellationToken cancel = default)
    {
        var path = await ConsoleSocketPathAsync(vmId, cancel);
        var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Cookie", CookieHeader);
        var uri = new UriBuilder(new Uri(http.BaseAddress!, path.TrimStart('/'))) { Scheme = "ws" }.Uri;
        await ws.ConnectAsync(uri, cancel);
        return ws;
    }

    private async Task<Reply> SendAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        using (request)
        {
            var cookies = CookieHeader;
            if (cookies.Length > 0)
                request.Headers.Add("Cookie", cookies);
            if (ForwardedFor is not null)
                request.Headers.Add("X-Forwarded-For", ForwardedFor);
            var sw = Stopwatch.StartNew();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancel);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancel);
            double ms = sw.Elapsed.TotalMilliseconds;
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                lock (_cookies)
                {
                    foreach (var c in set)
                    {
                        var pair = c.Split(';', 2)[0];
                        int eq = pair.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0) continue;
                        var (key, value) = (pair[..eq], pair[(eq + 1)..]);
                        if (value.Length == 0 || c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                            _cookies.Remove(key);
                        else
                            _cookies[key] = value;
                    }
                }
            }
            return new Reply(response.StatusCode, System.Text.Encoding.UTF8.GetString(bytes), bytes.Length, ms, response.Headers.Location?.OriginalString);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("data-socket=\"([^\"]+)\"")]
    private static partial Regex SocketAttribute();
}
