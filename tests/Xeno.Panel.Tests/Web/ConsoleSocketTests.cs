using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Panel.Consoles;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

/// <summary>
/// The console WebSocket's checks on the in-memory panel (no xenod: a socket that passes them
/// is told the VM's console cannot be reached). Every refusal is audited.
/// </summary>
public sealed class ConsoleSocketTests
{
    private static async Task<(PanelServer Panel, Browser Ann, Browser Bob, PanelVm Vm)> StartAsync()
    {
        var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("bob");
        var ann = await panel.LoggedInAsync("ann");
        var bob = await panel.LoggedInAsync("bob");
        var created = await ann.PostAsync("/Vms/Create", ("name", "annvm"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var vm = panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!).Single();
        return (panel, ann, bob, vm);
    }

    [Fact]
    public async Task TheConsolePageCarriesAOneShotTicketAndTheTerminalAssets()
    {
        var (panel, ann, bob, vm) = await StartAsync();
        await using var _ = panel;
        using var a = ann;
        using var b = bob;
        var page = await ann.GetAsync($"/Vms/Console/{vm.Id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl?.NoStore, "the console page (it holds a ticket) may be stored");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<script src=\"/lib/xterm/xterm.js\"></script>", html);
        Assert.Contains("ttyS0", html); // an hvm guest's serial console
        var first = await ConsoleSockets.SocketUrlAsync(ann, vm.Id);
        var second = await ConsoleSockets.SocketUrlAsync(ann, vm.Id);
        Assert.StartsWith($"/Vms/Console/{vm.Id}/socket?token=", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        // The scripts it loads are served, without a session, from the vendored copies.
        foreach (var asset in new[] { "/lib/xterm/xterm.js", "/lib/xterm/addon-fit.js", "/lib/xterm/xterm.css", "/js/console.js", "/css/console.css" })
        {
            using var anon = panel.Browser();
            var r = await anon.GetAsync(asset);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)r.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/Vms/Console/{vm.Id}")).StatusCode);
    }

    [Fact]
    public async Task AWebSocketWithoutSessionVmRightOrValidTicketIsRefusedAndAudited()
    {
        var (panel, ann, bob, vm) = await StartAsync();
        await using var _ = panel;
        using var a = ann;
        using var b = bob;
        var socket = $"/Vms/Console/{vm.Id}/socket";
        var url = await ConsoleSockets.SocketUrlAsync(ann, vm.Id);

        // No session: 401.
        Assert.Equal(401, (await ConsoleSockets.OpenAsync(panel, null, url)).Status);
        // Another owner, even with ann's ticket: 404 as every VM page, and the ticket is not spent.
        Assert.Equal(404, (await ConsoleSockets.OpenAsync(panel, bob, url)).Status);
        // The owner without a ticket, with a made-up one, with one of another page's VM id.
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, ann, socket)).Status);
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, ann, socket + "?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).Status);
        // A stolen ticket shown by another session of the same user: refused, and burnt.
        using var annElsewhere = await panel.LoggedInAsync("ann");
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, annElsewhere, url)).Status);
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, ann, url)).Status);

        var audit = panel.Audit.Read();
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User is null && e.Result == "refused" && e.Detail == "not signed in");
        Assert.Contains(audit, e => e.Action == "vm.access" && e.User == "bob" && e.Result == "refused" && e.Detail == $"GET {socket}");
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "no console ticket");
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "unknown or already used console ticket");
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "console ticket of another session, VM or console");
        Assert.Equal(6, audit.Count(e => e.Result == "refused" && e.Action is "console.socket" or "vm.access"));
        Assert.DoesNotContain(audit, e => e.Action == "vm.console");
    }

    [Fact]
    public async Task AValidTicketOpensTheSocketOnceAndSaysWhyXenodCannotBeReached()
    {
        var (panel, ann, bob, vm) = await StartAsync();
        await using var _ = panel;
        using var a = ann;
        using var b = bob;
        var url = await ConsoleSockets.SocketUrlAsync(ann, vm.Id);
        var (status, ws) = await ConsoleSockets.OpenAsync(panel, ann, url);
        Assert.Equal(101, status);
        using (ws)
        {
            var (text, reason) = await ConsoleSockets.ReadToCloseAsync(ws!);
            Assert.Contains("[xeno-panel] no xenod is running", text, StringComparison.Ordinal);
            Assert.StartsWith("no xenod is running", reason, StringComparison.Ordinal);
        }
        Assert.Equal(403, (await ConsoleSockets.OpenAsync(panel, ann, url)).Status);
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.console"), e => e.Result == "failed" && e.Target == "annvm");
        // A plain request with a fresh ticket is no WebSocket.
        var plain = await ann.GetAsync(await ConsoleSockets.SocketUrlAsync(ann, vm.Id));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains(panel.Audit.Read(user: "ann", action: "console.socket"), e => e.Detail == "not a WebSocket request");
    }
}
