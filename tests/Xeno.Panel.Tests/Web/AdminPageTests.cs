using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Panel.Data;
using Xeno.Panel.Ssh;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

/// <summary>
/// The admin pages for accounts, quotas, groups and VM administrators, through the real panel:
/// every form's bad input answers 422 with its message, every action is audited, a change to
/// what a user may do ends that user's sessions, and the last enabled admin cannot be taken away.
/// (Owners cannot reach these pages at all: AuthorizationTableTests.)
/// </summary>
public sealed class AdminPageTests
{
    private const string NewPassword = "another long password";

    [Fact]
    public async Task AnAdminCreatesAnAccountAndEveryBadFieldGetsItsMessage()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("root", Role.Admin);
        panel.AddUser("ann");
        using var root = await panel.LoggedInAsync("root");

        foreach (var (fields, message) in new (KeyValuePair<string, string>[], string)[]
        {
            ([new("name", ""), new("password", NewPassword), new("role", "owner")], "Name: give a name."),
            ([new("name", "two words"), new("password", NewPassword), new("role", "owner")], "Name: use 1 to 64 characters without blanks or control characters."),
            ([new("name", new string('x', 65)), new("password", NewPassword), new("role", "owner")], "Name: use 1 to 64 characters"),
            ([new("name", "cid"), new("password", "short"), new("role", "owner")], "Password: the password must have at least 10 characters."),
            ([new("name", "cid"), new("password", NewPassword), new("role", "root")], "Role: choose admin or owner."),
            ([new("name", "cid"), new("password", NewPassword)], "Role: choose admin or owner."),
            ([new("name", "ann"), new("password", NewPassword), new("role", "owner")], "Name: a user called ann already exists."),
        })
        {
            var r = await root.PostAsync("/Admin/Users?handler=create", fields, "/Admin/Users");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains(WebUtility.HtmlEncode(message), await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        Assert.Equal(7, panel.Audit.Read(user: "root", action: "user.create").Count(e => e.Result == "refused"));

        var ok = await root.PostAsync("/Admin/Users?handler=create", [new("name", "cid"), new("password", NewPassword), new("role", "owner")], "/Admin/Users");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var page = await ok.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Created the owner cid.", page);
        Assert.Contains("href=\"/Admin/User?name=cid\"", page);
        Assert.Equal(Role.Owner, panel.Users.Find("cid")!.Role);
        using var cid = panel.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await cid.LoginAsync("cid", NewPassword)).StatusCode);
        var created = Assert.Single(panel.Audit.Read(action: "user.create"), e => e.Result == "ok");
        Assert.Equal(("root", "cid"), (created.User!, created.Target!));
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync("/Admin/User?name=nobody")).StatusCode);
    }

    [Fact]
    public async Task DisablingEndsTheSessionsAndRefusesLoginsOnTheWebAndOverSsh()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("root", Role.Admin);
        var annUser = panel.AddUser("ann");
        using var root = await panel.LoggedInAsync("root");
        using var ann = await panel.LoggedInAsync("ann");
        var keys = panel.App.Services.GetRequiredService<SshKeys>();
        var key = SshPublicKey.Parse(Xeno.Panel.Tests.Ssh.TestKeys.Make(panel.Root).PublicLine).Key!;
        Assert.NotNull(keys.Add(annUser.Id, key).Key);
        Assert.NotNull(keys.FindForLogin(key));

        var r = await root.PostAsync("/Admin/User?handler=disable", [new("name", "ann")], "/Admin/User?name=ann");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("Disabled ann: no login on the web or over SSH; 1 open session(s) ended.", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(panel.Users.Find("ann")!.Disabled);
        // Her open session is over, a new login is refused, and sshd would not let her key in.
        Assert.Equal(HttpStatusCode.Redirect, (await ann.GetAsync("/")).StatusCode);
        using var again = panel.Browser();
        var refused = await again.LoginAsync("ann", PanelServer.Password);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("This account is disabled; ask an administrator.", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(keys.FindForLogin(key));
        Assert.NotNull(keys.Find(key));
        Assert.Contains(panel.Audit.Read(user: "ann", action: "login"), e => e.Result == "refused" && e.Detail == "the account is disabled");

        var enabled = await root.PostAsync("/Admin/User?handler=enable", [new("name", "ann")], "/Admin/User?name=ann");
        Assert.Contains("Enabled ann: they can log in again.", await enabled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Redirect, (await again.LoginAsync("ann", PanelServer.Password)).StatusCode);
        Assert.NotNull(keys.FindForLogin(key));

        // An admin cannot disable themselves, nor the last enabled admin be taken away.
        var self = await root.PostAsync("/Admin/User?handler=disable", [new("name", "root")], "/Admin/User?name=root");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.Contains("You cannot disable your own account.", await self.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var demote = await root.PostAsync("/Admin/User?handler=role", [new("name", "root"), new("role", "owner")], "/Admin/User?name=root");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, demote.StatusCode);
        Assert.Contains("root is the last enabled admin; make another admin first.", await demote.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var nobody = await root.PostAsync("/Admin/User?handler=disable", [new("name", "nobody")], "/Admin/User?name=root");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nobody.StatusCode);
        Assert.Contains("User: there is no user called &quot;nobody&quot;.", await nobody.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["ok", "ok"], panel.Audit.Read(user: "root").Where(e => e.Action is "user.disable" or "user.enable" && e.Target == "ann").Select(e => e.Result));
    }

    [Fact]
    public async Task APasswordResetAndARoleChangeTakeEffectAtTheNextLogin()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("root", Role.Admin);
        panel.AddUser("ann");
        using var root = await panel.LoggedInAsync("root");
        using var ann = await panel.LoggedInAsync("ann");
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.GetAsync("/Admin/Audit")).StatusCode);

        var weak = await root.PostAsync("/Admin/User?handler=password", [new("name", "ann"), new("password", "short")], "/Admin/User?name=ann");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        var reset = await root.PostAsync("/Admin/User?handler=password", [new("name", "ann"), new("password", NewPassword)], "/Admin/User?name=ann");
        Assert.Contains("Set a new password for ann; 1 open session(s) ended.", await reset.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Redirect, (await ann.GetAsync("/")).StatusCode);
        using var fresh = panel.Browser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.LoginAsync("ann", PanelServer.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.LoginAsync("ann", NewPassword)).StatusCode);
        // The audit entry names what was done, never the password.
        Assert.All(panel.Audit.Read(), e => Assert.DoesNotContain(NewPassword, e.Detail ?? ""));

        var bad = await root.PostAsync("/Admin/User?handler=role", [new("name", "ann"), new("role", "superuser")], "/Admin/User?name=ann");
        Assert.Contains("Role: choose admin or owner.", await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var same = await root.PostAsync("/Admin/User?handler=role", [new("name", "ann"), new("role", "owner")], "/Admin/User?name=ann");
        Assert.Contains("Role: ann already is an owner.", await same.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var promote = await root.PostAsync("/Admin/User?handler=role", [new("name", "ann"), new("role", "admin")], "/Admin/User?name=ann");
        Assert.Contains("ann is now an admin; 1 open session(s) ended.", await promote.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.GetAsync("/Admin/Audit")).StatusCode);
        using var admin = panel.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await admin.LoginAsync("ann", NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/Admin/Audit")).StatusCode);
        // Two admins now: root may step down.
        var down = await root.PostAsync("/Admin/User?handler=role", [new("name", "root"), new("role", "owner")], "/Admin/User?name=root");
        Assert.Contains("root is now an owner;", await down.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AQuotaSetOnTheAccountPageBindsTheOwnersCreates()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("root", Role.Admin);
        panel.AddUser("ann");
        using var root = await panel.LoggedInAsync("root");
        using var ann = await panel.LoggedInAsync("ann");

        foreach (var (fields, message) in new (KeyValuePair<string, string>[], string)[]
        {
            ([new("vms", ""), new("memory", "64"), new("vcpus", "1"), new("disk", "1")], "VMs: give a number."),
            ([new("vms", "-1"), new("memory", "64"), new("vcpus", "1"), new("disk", "1")], "VMs: give a whole number from 0 to 10000."),
            ([new("vms", "1"), new("memory", "lots"), new("vcpus", "1"), new("disk", "1")], "Memory (MiB): give a whole number from 0 to"),
            ([new("vms", "1"), new("memory", "64"), new("vcpus", "99999999999"), new("disk", "1")], "vCPUs: give a whole number from 0 to"),
            ([new("vms", "1"), new("memory", "64"), new("vcpus", "1")], "Disk (GiB): give a number."),
        })
        {
            var r = await root.PostAsync("/Admin/User?handler=quota", [new("name", "ann"), .. fields], "/Admin/User?name=ann");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains(message, await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        var set = await root.PostAsync("/Admin/User?handler=quota", [new("name", "ann"), new("vms", "1"), new("memory", "128"), new("vcpus", "1"), new("disk", "2")], "/Admin/User?name=ann");
        Assert.Contains("Quota of ann: 1 VMs, 128 MiB, 1 vCPUs, 2 GiB.", await set.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("<td>own</td>", await root.TextAsync("/Admin/Users"));

        Assert.Equal(HttpStatusCode.Redirect, (await ann.PostAsync("/Vms/Create", ("name", "one"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"))).StatusCode);
        var second = await ann.PostAsync("/Vms/Create", ("name", "two"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"));
        Assert.Contains("Quota: you have 1 of 1 VMs.", await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // Below today's use: allowed, and said.
        var below = await root.PostAsync("/Admin/User?handler=quota", [new("name", "ann"), new("vms", "0"), new("memory", "0"), new("vcpus", "0"), new("disk", "0")], "/Admin/User?name=ann");
        Assert.Contains("ann already uses more than that;", await below.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var back = await root.PostAsync("/Admin/User?handler=quotadefault", [new("name", "ann")], "/Admin/User?name=ann");
        Assert.Contains("ann has the default quota again.", await back.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(panel.App.Services.GetRequiredService<Quotas>().Own(panel.Users.Find("ann")!.Id));
        Assert.Equal(HttpStatusCode.Redirect, (await ann.PostAsync("/Vms/Create", ("name", "two"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"))).StatusCode);
        var quotaAudit = panel.Audit.Read(user: "root", action: "user.quota");
        Assert.Equal(5, quotaAudit.Count(e => e.Result == "refused"));
        Assert.Equal(3, quotaAudit.Count(e => e.Result == "ok" && e.Target == "ann"));
    }

    [Fact]
    public async Task GroupsAndUsersAdministerVmsAndLoseThemWhenRemoved()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("root", Role.Admin);
        panel.AddUser("ann");
        panel.AddUser("bob");
        panel.AddUser("cid");
        using var root = await panel.LoggedInAsync("root");
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        using var cid = await panel.LoggedInAsync("cid");
        Assert.Equal(HttpStatusCode.Redirect, (await ann.PostAsync("/Vms/Create", ("name", "annvm"), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"))).StatusCode);
        var vm = panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!).Single();
        var info = $"/Vms/Info/{vm.Id}";
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(info)).StatusCode);

        async Task<string> Post(string path, params (string, string)[] fields)
        {
            var r = await root.PostAsync(path, fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), path.Split('?')[0]);
            return $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
        }

        Assert.Contains("Created the group ops.", await Post("/Admin/Groups?handler=create", ("group", "ops")));
        Assert.StartsWith("422 ", await Post("/Admin/Groups?handler=create", ("group", "ops")));
        Assert.Contains("Group: use 1 to 64 characters", await Post("/Admin/Groups?handler=create", ("group", "o p s")));
        Assert.Contains("Added bob to ops.", await Post("/Admin/Groups?handler=addmember", ("group", "ops"), ("user", "bob")));
        Assert.Contains("User: bob already is in ops.", await Post("/Admin/Groups?handler=addmember", ("group", "ops"), ("user", "bob")));
        Assert.Contains("User: there is no user called &quot;zed&quot;.", await Post("/Admin/Groups?handler=addmember", ("group", "ops"), ("user", "zed")));
        Assert.Contains("Group: there is no group called &quot;dev&quot;.", await Post("/Admin/Groups?handler=addmember", ("group", "dev"), ("user", "bob")));

        Assert.Contains("The group ops now administers annvm.", await Post("/Admin/VmAdmins?handler=add", ("vm", "annvm"), ("kind", "group"), ("who", "ops")));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync(info)).StatusCode);
        Assert.Contains("annvm", await bob.TextAsync("/"));
        Assert.Equal(HttpStatusCode.NotFound, (await cid.GetAsync(info)).StatusCode);
        Assert.Contains("The user cid now administers annvm.", await Post("/Admin/VmAdmins?handler=add", ("vm", "annvm"), ("kind", "user"), ("who", "cid")));
        Assert.Equal(HttpStatusCode.OK, (await cid.GetAsync(info)).StatusCode);
        var listing = await root.TextAsync("/Admin/VmAdmins");
        Assert.Contains("user cid", listing);
        Assert.Contains("group ops", listing);

        Assert.Contains("The user cid already administers annvm.", await Post("/Admin/VmAdmins?handler=add", ("vm", "annvm"), ("kind", "user"), ("who", "cid")));
        Assert.Contains("User: ann owns annvm already.", await Post("/Admin/VmAdmins?handler=add", ("vm", "annvm"), ("kind", "user"), ("who", "ann")));
        Assert.Contains("VM: choose one of the VMs listed.", await Post("/Admin/VmAdmins?handler=add", ("vm", "novm"), ("kind", "user"), ("who", "cid")));
        Assert.Contains("Kind: choose user or group.", await Post("/Admin/VmAdmins?handler=add", ("vm", "annvm"), ("kind", "role"), ("who", "cid")));

        Assert.Contains("The user cid no longer administers annvm.", await Post("/Admin/VmAdmins?handler=remove", ("vm", "annvm"), ("kind", "user"), ("who", "cid")));
        Assert.Equal(HttpStatusCode.NotFound, (await cid.GetAsync(info)).StatusCode);
        Assert.Contains("Removed bob from ops.", await Post("/Admin/Groups?handler=removemember", ("group", "ops"), ("user", "bob")));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(info)).StatusCode);
        Assert.Contains("Added bob to ops.", await Post("/Admin/Groups?handler=addmember", ("group", "ops"), ("user", "bob")));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync(info)).StatusCode);
        Assert.Contains("Removed the group ops;", await Post("/Admin/Groups?handler=remove", ("group", "ops")));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(info)).StatusCode);
        Assert.DoesNotContain("group ops", await root.TextAsync("/Admin/VmAdmins"));

        var audit = panel.Audit.Read(user: "root");
        foreach (var action in new[] { "group.create", "group.member-add", "group.member-remove", "group.remove", "vm.admin-add", "vm.admin-remove" })
            Assert.Contains(audit, e => e.Action == action && e.Result == "ok");
        Assert.Contains(audit, e => e.Action == "vm.admin-add" && e.Result == "refused" && e.Detail == "Kind: choose user or group.");
    }
}
