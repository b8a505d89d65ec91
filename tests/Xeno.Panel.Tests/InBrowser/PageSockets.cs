using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.InBrowser;

/// <summary>The console pages' WebSockets as the browser opens them: a page's fresh ticket, and whether a socket opens.</summary>
internal static class PageSockets
{
    /// <summary>
    /// The socket address (with a ticket the session was given for this page view and has not used) that
    /// <paramref name="page"/> puts on its element <paramref name="elementId"/>: fetched, not opened.
    /// </summary>
    public static string? FreshSocket(Chromium browser, string page, string elementId) => (string?)browser.Driver.ExecuteAsyncScript("""
        const [page, id, done] = arguments;
        fetch(page).then(r => r.text()).then(html =>
          done(new DOMParser().parseFromString(html, 'text/html').getElementById(id).dataset.socket));
        """, page, elementId);

    /// <summary>Opens a WebSocket from the page: "open" once it opens, "refused" when it closes unopened.</summary>
    public static string? TryOpen(Chromium browser, string pathAndQuery) => (string?)browser.Driver.ExecuteAsyncScript("""
        const done = arguments[arguments.length - 1];
        const url = new URL(arguments[0], location.href);
        url.protocol = 'ws:';
        const ws = new WebSocket(url.href);
        ws.onopen = () => { ws.close(); done('open'); };
        ws.onclose = () => done('refused');
        """, pathAndQuery);
}
