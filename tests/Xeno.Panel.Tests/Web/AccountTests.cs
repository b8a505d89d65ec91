using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

public sealed class AccountTests
{
    [Fact]
    public async Task PagesNeedALogin()
    {
        await using var panel = await PanelServer.StartAsync();
        using var b = panel.Browser();
        var r = await b.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.StartsWith("/Account/Login", r.Headers.Location!.OriginalString.Replace("http://localhost", ""));
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedAndAudited()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        using var b = panel.Browser();
        var r = await b.LoginAsync("ann", "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Contains("Wrong user name or password.", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var unknown = await b.LoginAsync("nobody", "whatever it is");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var entries = panel.Audit.Read(action: "login");
        Assert.Contains(entries, e => e.User == "ann" && e.Result == "failed" && e.Detail == "wrong password");
        Assert.Contains(entries, e => e.User == "nobody" && e.Result == "failed" && e.Detail == "unknown user");
    }

    [Fact]
    public async Task ALoginOpensTheVmList()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        using var b = await panel.LoggedInAsync("ann");
        var r = await b.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("No VMs yet.", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains(panel.Audit.Read(user: "ann"), e => e.Action == "login" && e.Result == "ok");
    }

    [Fact]
    public async Task ACookieKeptAfterLogoutIsWorthNothing()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        using var b = await panel.LoggedInAsync("ann");
        var stolen = b.Cookies.GetCookieHeader(new Uri("http://localhost/"));
        Assert.Contains("xeno-panel=", stolen);
        var logout = await b.PostAsync("/Account/Logout", [], "/");
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        // Another client replays the cookie from before the logout.
        using var thief = panel.Browser();
        foreach (var part in stolen.Split("; "))
        {
            var eq = part.IndexOf('=');
            thief.Cookies.Add(new Uri("http://localhost/"), new Cookie(part[..eq], part[(eq + 1)..]));
        }
        var r = await thief.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Contains("/Account/Login", r.Headers.Location!.OriginalString);
        Assert.Contains(panel.Audit.Read(user: "ann"), e => e.Action == "logout" && e.Result == "ok");
    }

    [Fact]
    public async Task LoginsAreRateLimitedPerAddress()
    {
        await using var panel = await PanelServer.StartAsync(o => o with { LoginAttemptsPerWindow = 3, LoginWindow = TimeSpan.FromMinutes(10) });
        panel.AddUser("ann");
        using var b = panel.Browser();
        for (int i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await b.LoginAsync("ann", "guess " + i)).StatusCode);
        // Even the right password waits for the window now.
        var r = await b.LoginAsync("ann", PanelServer.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
        Assert.Contains("Too many login attempts", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains(panel.Audit.Read(action: "login"), e => e.Result == "refused");
        // Showing the form is not an attempt.
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/Account/Login")).StatusCode);
    }

    [Fact]
    public async Task AFormWithoutOrWithAForgedTokenIsRefusedAndAudited()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        using var b = await panel.LoggedInAsync("ann");
        (string, string)[] form = [("name", "web"), ("type", "hvm"), ("memory", "128"), ("vcpus", "1"), ("disk", "1")];
        var none = await b.PostAsync("/Vms/Create", form.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), tokenPage: null);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var forged = await b.PostAsync("/Vms/Create",
            form.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).Append(new("__RequestVerificationToken", "CfDJ8forged")), tokenPage: null);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("The form was not accepted", await forged.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // Another user's token does not pass either.
        panel.AddUser("bob");
        using var bob = await panel.LoggedInAsync("bob");
        var bobs = await bob.TokenAsync("/Vms/Create");
        var crossed = await b.PostAsync("/Vms/Create",
            form.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).Append(new("__RequestVerificationToken", bobs)), tokenPage: null);
        Assert.Equal(HttpStatusCode.BadRequest, crossed.StatusCode);
        Assert.Equal(3, panel.Audit.Read(action: "csrf").Count(e => e.Result == "refused"));
        Assert.Null(panel.App.Services.GetService<VmRecords>()!.VisibleTo(panel.Users.Find("ann")!).FirstOrDefault());
    }

    [Fact]
    public async Task OwnersCannotReadTheAuditLogAdminsCan()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("root", Role.Admin);
        using var ann = await panel.LoggedInAsync("ann");
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.GetAsync("/Admin/Audit")).StatusCode);
        using var root = await panel.LoggedInAsync("root");
        var r = await root.GetAsync("/Admin/Audit?user=ann");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var html = await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<td>ann</td><td>login</td>", html);
        Assert.DoesNotContain("<td>root</td><td>login</td>", html);
    }

    [Fact]
    public void TheFirstAdminIsCreatedFromTheCommandLine()
    {
        var dir = Directory.CreateTempSubdirectory("xpa-").FullName;
        try
        {
            var db = new PanelDatabase(Path.Combine(dir, "var/lib/xeno/panel.db"));
            var (o, e) = (new StringWriter(), new StringWriter());
            Assert.Equal(1, FirstAdmin.Create(db, "root", "short", o, e));
            Assert.Contains("at least 10 characters", e.ToString());
            Assert.Equal(1, FirstAdmin.Create(db, "ro ot", "long enough password", o, e));
            Assert.Equal(0, FirstAdmin.Create(db, "root", "long enough password", o, e));
            Assert.Equal(1, FirstAdmin.Create(db, "root", "long enough password", o, e));
            Assert.Contains("a user called root already exists", e.ToString());
            var users = new Users(db);
            Assert.True(users.AnyAdmin());
            Assert.True(new Passwords().Verify(users.Find("root")!.PasswordHash, "long enough password").Ok);
            Assert.False(new Passwords().Verify(users.Find("root")!.PasswordHash, "long enough passworD").Ok);
            Assert.Equal(0, FirstAdmin.Create(db, "ann", "another long password", o, e, Role.Owner));
            Assert.Equal(Role.Owner, users.Find("ann")!.Role);
            Assert.Contains("created owner ann", o.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
