using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace Xeno.Panel.Tests.Support;

/// <summary>Console WebSockets against the in-memory panel, with a browser's cookies.</summary>
internal static partial class ConsoleSockets
{
    /// <summary>The WebSocket path with its ticket, as a console page (the serial one unless <paramref name="page"/> names another) hands it to its script.</summary>
    public static async Task<string> SocketUrlAsync(Browser browser, long vmId, string page = "/Vms/Console/{id}")
    {
        var html = await browser.TextAsync(page.Replace("{id}", vmId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var m = SocketAttribute().Match(html);
        Assert.True(m.Success, "the console page names no WebSocket");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    /// <summary>Opens a WebSocket; the status of a refused handshake, or the socket.</summary>
    public static async Task<(int Status, WebSocket? Socket)> OpenAsync(PanelServer panel, Browser? browser, string pathAndQuery)
    {
        var client = panel.Server.CreateWebSocketClient();
        var uri = new Uri("ws://localhost" + pathAndQuery);
        if (browser is not null)
        {
            var cookies = browser.Cookies.GetCookieHeader(new Uri("http://localhost/"));
            client.ConfigureRequest = r => r.Headers.Cookie = cookies;
        }
        try
        {
            return (101, await client.ConnectAsync(uri, TestContext.Current.CancellationToken));
        }
        catch (InvalidOperationException e) when (HandshakeStatus().Match(e.Message) is { Success: true } m)
        {
            return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), null);
        }
    }

    /// <summary>Everything the socket sends until it closes, as text, and its close reason.</summary>
    public static async Task<(string Text, string? Reason)> ReadToCloseAsync(WebSocket ws)
    {
        var text = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, timeout.Token);
            if (r.MessageType == WebSocketMessageType.Close)
                return (text.ToString(), ws.CloseStatusDescription);
            text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
    }

    [GeneratedRegex("data-socket=\"([^\"]+)\"")]
    private static partial Regex SocketAttribute();

    [GeneratedRegex(@"status code:? '?(\d{3})")]
    private static partial Regex HandshakeStatus();
}
