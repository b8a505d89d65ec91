using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

/// <summary>
/// The graphical console's page and WebSocket on the in-memory panel (no xenod): the same checks
/// as the serial console's, with tickets that open only the console they were issued for.
/// A real guest's screen through it: InBrowser/VncBrowserTests.
/// </summary>
public sealed class VncSocketTests
{
    [Fact]
    public async Task ThePageLoadsNoVncFromThePanelAndItsTicketOpensOnlyTheVncSocket()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("bob");
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        Assert.Equal(HttpStatusCode.Redirect, (await ann.PostAsync("/Vms/Create", ("name", "annvm"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"))).StatusCode);
        var vm = panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!).Single();

        var page = await ann.GetAsync($"/Vms/Vnc/{vm.Id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl?.NoStore, "the VNC page (it holds a ticket) may be stored");
        Assert.Contains("<script type=\"module\" src=\"/js/vnc.js\"></script>", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains($"/Vms/Vnc/{vm.Id}", await ann.TextAsync($"/Vms/Info/{vm.Id}"), StringComparison.Ordinal);
        foreach (var asset in new[] { "/js/vnc.js", "/lib/novnc/core/rfb.js" })
        {
            using var anon = panel.Browser();
            Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync(asset)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/Vms/Vnc/{vm.Id}")).StatusCode);

        var socket = $"/Vms/Vnc/{vm.Id}/socket";
        var vncUrl = await ConsoleSockets.SocketUrlAsync(ann, vm.Id, "/Vms/Vnc/{id}");
        Assert.StartsWith(socket + "?token=", vncUrl, StringComparison.Ordinal);
        var token = vncUrl[vncUrl.IndexOf('?', StringComparison.Ordinal)..];
        var serialUrl = await ConsoleSockets.SocketUrlAsync(ann, vm.Id);
        var serialToken = serialUrl[serialUrl.IndexOf('?', StringComparison.Ordinal)..];

        Assert.Equal(401, (await ConsoleSockets.OpenAsync(panel, null, vncUrl)).Status);
        Assert.Equal(404, (await ConsoleSockets.OpenAsync(panel, bob, vncUrl)).Status);
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, ann, socket)).Status);
        // A serial console's ticket does not open the graphical console, nor the other way round.
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, ann, socket + serialToken)).Status);
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, ann, $"/Vms/Console/{vm.Id}/socket" + token)).Status);

        // A fresh ticket opens it; with no xenod the close says why.
        var fresh = await ConsoleSockets.SocketUrlAsync(ann, vm.Id, "/Vms/Vnc/{id}");
        var (status, ws) = await ConsoleSockets.OpenAsync(panel, ann, fresh);
        Assert.Equal(101, status);
        using (ws)
        {
            var (text, reason) = await ConsoleSockets.ReadToCloseAsync(ws!);
            Assert.Equal("", text); // nothing but RFB ever goes to noVNC
            Assert.StartsWith("no xenod is running", reason, StringComparison.Ordinal);
        }

        var audit = panel.Audit.Read();
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User is null && e.Detail == "not signed in");
        Assert.Contains(audit, e => e.Action == "vm.access" && e.User == "bob" && e.Detail == $"GET {socket}");
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "no console ticket");
        Assert.Equal(2, audit.Count(e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "console ticket of another session, VM or console"));
        Assert.Contains(audit, e => e.Action == "vm.vnc" && e.User == "ann" && e.Result == "failed");
    }
}
