using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

/// <summary>
/// Every route the panel maps, read from its endpoint data sources, is in this table: a route
/// that names a VM must refuse another owner (every method, every form action), and a route
/// that names none must be listed here with the check that guards it. A new route fails this
/// test until it is classified, so it cannot ship without a check.
/// </summary>
public sealed class AuthorizationTableTests
{
    /// <summary>Routes that name no VM, and who may use them.</summary>
    private static readonly Dictionary<string, string> NoVm = new()
    {
        [""] = "signed in; lists only the user's own VMs",
        ["Index"] = "signed in; lists only the user's own VMs",
        ["Account/Login"] = "anyone",
        ["Account/Logout"] = "signed in; ends only the caller's session",
        ["Account/Keys"] = "signed in; a user's own SSH keys (a removal checks the key's owner: SshKeyPageTests), admins every user's",
        ["Error"] = "anyone",
        ["Vms/Create"] = "signed in; the new VM is the caller's",
        ["Admin/Audit"] = "admins only",
        ["/metrics"] = "admins, or the bearer token Panel:MetricsToken (Metrics/PanelMetricsTests)",
        ["Admin/Isos"] = "admins only (the CD image catalogue)",
        ["Admin/Users"] = "admins only (accounts: list, create)",
        ["Admin/User"] = "admins only (one account: disable, password, role, quota; the user is a form field)",
        ["Admin/Groups"] = "admins only (groups and members)",
        ["Admin/VmAdmins"] = "admins only (VM administrators, users or groups)",
    };

    /// <summary>The named form handlers of the admin pages, each posted by an owner with fields an admin's post would pass with.</summary>
    private static readonly (string Handler, KeyValuePair<string, string>[] Fields)[] AdminHandlers =
    [
        ("create", [new("name", "mallory"), new("password", "a long password 1"), new("role", "admin"), new("group", "ops")]),
        ("disable", [new("name", "bob")]),
        ("enable", [new("name", "bob")]),
        ("password", [new("name", "bob"), new("password", "a long password 1")]),
        ("role", [new("name", "ann"), new("role", "admin")]),
        ("quota", [new("name", "ann"), new("vms", "100"), new("memory", "100000"), new("vcpus", "100"), new("disk", "1000")]),
        ("quotadefault", [new("name", "ann")]),
        ("remove", [new("name", "x"), new("group", "ops"), new("vm", "annvm"), new("kind", "user"), new("who", "bob")]),
        ("addmember", [new("group", "ops"), new("user", "ann")]),
        ("removemember", [new("group", "ops"), new("user", "ann")]),
        ("add", [new("vm", "annvm"), new("kind", "user"), new("who", "ann")]),
        ("register", [new("name", "x"), new("path", "/etc/passwd")]),
        ("", []),
    ];

    [Fact]
    public async Task NoAdminPageAnswersAnOwner()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("bob");
        panel.AddUser("root", Role.Admin);
        using var ann = await panel.LoggedInAsync("ann");
        using var root = await panel.LoggedInAsync("root");
        var routes = ((IEndpointRouteBuilder)panel.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(r => r.RoutePattern.RawText ?? "").Where(r => r.StartsWith("Admin/", StringComparison.Ordinal)).ToList();
        Assert.Equal(NoVm.Keys.Where(k => k.StartsWith("Admin/", StringComparison.Ordinal)).Order(), routes.Order());
        foreach (var route in routes)
        {
            var path = "/" + route + "?name=ann";
            // An admin reaches it (so the refusal below is the check's doing, not a broken route).
            Assert.Equal(HttpStatusCode.OK, (await root.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await ann.GetAsync(path)).StatusCode);
            foreach (var (handler, fields) in AdminHandlers)
            {
                // A valid token of ann's own session: only the admin check stands in the way.
                var r = await ann.PostAsync($"/{route}?handler={handler}", fields, "/Vms/Create");
                Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"ann's POST /{route}?handler={handler} answered {(int)r.StatusCode}");
            }
        }
        // Nothing ann posted changed anything, and no admin action ran in her name.
        Assert.Equal(Role.Owner, panel.Users.Find("ann")!.Role);
        Assert.False(panel.Users.Find("bob")!.Disabled);
        Assert.Null(panel.Users.Find("mallory"));
        Assert.Null(panel.App.Services.GetRequiredService<Quotas>().Own(panel.Users.Find("ann")!.Id));
        Assert.Empty(panel.App.Services.GetRequiredService<Groups>().All());
        Assert.DoesNotContain(panel.Audit.Read(user: "ann"), e => e.Action.StartsWith("user.", StringComparison.Ordinal)
            || e.Action.StartsWith("group.", StringComparison.Ordinal) || e.Action.StartsWith("vm.admin", StringComparison.Ordinal)
            || e.Action.StartsWith("cd.", StringComparison.Ordinal));
    }

    /// <summary>
    /// WebSockets that name a VM, and the page that hands out their one-shot ticket: opened for
    /// real below (the owner gets through, another owner does not, with or without the
    /// owner's ticket). Tests/Web/ConsoleSocketTests has the other refusals.
    /// </summary>
    private static readonly Dictionary<string, string> WebSockets = new()
    {
        ["/Vms/Console/{id}/socket"] = "/Vms/Console/{id}",
        ["/Vms/Vnc/{id}/socket"] = "/Vms/Vnc/{id}",
    };

    /// <summary>Form fields to post to a VM route: every action a page takes.</summary>
    private static readonly string[] Actions = ["start", "shutdown", "reboot", "force-off", "", "bogus"];

    /// <summary>The named form handlers of VM pages (?handler=), each posted with fields that would be accepted.</summary>
    private static readonly (string Handler, KeyValuePair<string, string>[] Fields)[] Handlers =
    [
        ("type", [new("type", "pv"), new("kernel", "")]),
        ("boot", [new("mode", "rescue")]),
        ("resources", [new("memory", "64"), new("vcpus", "1")]),
        ("cdinsert", [new("cd", "x")]),
        ("cdeject", []),
        ("diskadd", [new("size", "1")]),
        ("diskremove", [new("disk", "1")]),
        ("delete", [new("confirm", "annvm")]),
        ("nosuchhandler", []),
    ];

    [Fact]
    public async Task NoRouteGivesAnOwnerAnotherOwnersVm()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("bob");
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        var created = await ann.PostAsync("/Vms/Create", ("name", "annvm"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var vm = panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!).Single();

        var routes = ((IEndpointRouteBuilder)panel.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(routes);
        var vmRoutes = 0;
        foreach (var route in routes)
        {
            var pattern = route.RoutePattern;
            var raw = pattern.RawText ?? "";
            if (pattern.Parameters.Count == 0)
            {
                Assert.True(NoVm.ContainsKey(raw), $"route \"{raw}\" is not in the authorization table: add it to NoVm with its check, or give it a VM id");
                continue;
            }
            Assert.True(pattern.Parameters.Count == 1 && pattern.Parameters[0].Name == "id",
                $"route \"{raw}\" takes parameters other than the VM's id: classify it in this test");
            vmRoutes++;
            var path = "/" + raw.TrimStart('/').Replace("{id}", vm.Id.ToString(), StringComparison.Ordinal);
            if (WebSockets.TryGetValue(raw, out var ticketPage))
            {
                int refusedBefore = panel.Audit.Read(action: "vm.access").Count;
                var url = await ConsoleSockets.SocketUrlAsync(ann, vm.Id, ticketPage);
                Assert.Equal(ticketPage.Replace("{id}", vm.Id.ToString(), StringComparison.Ordinal) + "/socket", url[..url.IndexOf('?', StringComparison.Ordinal)]);
                Assert.Equal(404, (await ConsoleSockets.OpenAsync(panel, bob, url)).Status);
                Assert.Equal(404, (await ConsoleSockets.OpenAsync(panel, bob, path)).Status);
                var (status, ws) = await ConsoleSockets.OpenAsync(panel, ann, url);
                Assert.Equal(101, status);
                ws!.Dispose();
                Assert.Equal(HttpStatusCode.MethodNotAllowed, (await bob.PostAsync(path, [new("action", "start")], "/Vms/Create")).StatusCode);
                Assert.Equal(refusedBefore + 2, panel.Audit.Read(action: "vm.access").Count);
                continue;
            }

            // The owner reaches it (so a refusal below is the check's doing, not a broken route).
            Assert.Equal(HttpStatusCode.OK, (await ann.GetAsync(path)).StatusCode);

            int before = panel.Audit.Read(action: "vm.access").Count;
            Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(path)).StatusCode);
            foreach (var action in Actions)
            {
                // A valid token of bob's own session: only the VM check stands in the way.
                var r = await bob.PostAsync(path, [new("action", action)], "/Vms/Create");
                Assert.True(r.StatusCode == HttpStatusCode.NotFound, $"bob's POST {path} action={action} answered {(int)r.StatusCode}");
            }
            foreach (var (handler, fields) in Handlers)
            {
                var r = await bob.PostAsync($"{path}?handler={handler}", fields, "/Vms/Create");
                Assert.True(r.StatusCode == HttpStatusCode.NotFound, $"bob's POST {path}?handler={handler} answered {(int)r.StatusCode}");
            }
            Assert.Equal(before + 1 + Actions.Length + Handlers.Length, panel.Audit.Read(action: "vm.access").Count);
        }
        Assert.True(vmRoutes > 0, "no route names a VM: the table test checks nothing");
        // Nothing bob did reached the VM: it is still there, with its disk.
        Assert.NotNull(panel.App.Services.GetRequiredService<VmRecords>().Get(vm.Id));
        Assert.True(File.Exists(vm.DiskPath));
        Assert.DoesNotContain(panel.Audit.Read(user: "bob"), e => e.Action.StartsWith("vm.", StringComparison.Ordinal) && e.Action != "vm.access");
        Assert.All(panel.Audit.Read(user: "bob", action: "vm.access"), e => Assert.Equal("refused", e.Result));
    }

    [Fact]
    public async Task AnAdministratorOfAVmReachesItAndAnAdminReachesEvery()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        var bobUser = panel.AddUser("bob");
        panel.AddUser("root", Role.Admin);
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        using var root = await panel.LoggedInAsync("root");
        await ann.PostAsync("/Vms/Create", ("name", "annvm"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"));
        var vms = panel.App.Services.GetRequiredService<VmRecords>();
        var vm = vms.VisibleTo(panel.Users.Find("ann")!).Single();
        Assert.Equal(HttpStatusCode.OK, (await root.GetAsync($"/Vms/Info/{vm.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/Vms/Info/{vm.Id}")).StatusCode);
        vms.AddAdministrator(vm.Id, bobUser.Id);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync($"/Vms/Info/{vm.Id}")).StatusCode);
    }
}
