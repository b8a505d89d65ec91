using System.Net;
using Microsoft.AspNetCore.Http;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

/// <summary>Behind a reverse proxy on the same host: X-Forwarded-For counts from loopback only.</summary>
public sealed class ReverseProxyTests
{
    private static Task<HttpContext> PostFromAsync(PanelServer panel, IPAddress peer, string forwardedFor) =>
        panel.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = peer;
            c.Request.Method = "POST";
            c.Request.Path = "/Account/Login";
            c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            c.Request.Headers["X-Forwarded-Proto"] = "https";
        });

    [Fact]
    public async Task TheClientAddressComesFromALoopbackProxyOnly()
    {
        await using var panel = await PanelServer.StartAsync();
        // A post without an antiforgery token: refused and audited with the client's address.
        var proxied = await PostFromAsync(panel, IPAddress.Loopback, "198.51.100.7");
        Assert.Equal(400, proxied.Response.StatusCode);
        Assert.Equal("https", proxied.Request.Scheme);
        var direct = await PostFromAsync(panel, IPAddress.Parse("198.51.100.20"), "198.51.100.8");
        Assert.Equal("http", direct.Request.Scheme);
        var remotes = panel.Audit.Read(action: "csrf").Select(e => e.Remote).ToList();
        Assert.Equal(["198.51.100.20", "198.51.100.7"], remotes);
    }
}
