using System.Net;
using System.Text.Encodings.Web;
using Xeno.Panel.Data;
using Xeno.Panel.Ssh;
using Xeno.Panel.Tests.Ssh;
using Xeno.Panel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Xeno.Panel.Tests.Web;

/// <summary>The SSH keys page: add with validation, remove only one's own (admins any), CSRF, audit.</summary>
public sealed class SshKeyPageTests
{
    [Fact]
    public async Task OwnersManageTheirOwnKeysAndAdminsSeeAll()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("bob");
        panel.AddUser("root", Role.Admin);
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        using var root = await panel.LoggedInAsync("root");
        var (line, fingerprint, _) = TestKeys.Make(panel.Root, comment: "ann@<b>laptop</b>");
        var (bobLine, bobFingerprint, _) = TestKeys.Make(panel.Root, "ecdsa", 256, "bob");
        // As the pages show them: Razor encodes the base64's "+" (&#x2B;).
        string annShown = HtmlEncoder.Default.Encode(fingerprint), bobShown = HtmlEncoder.Default.Encode(bobFingerprint);
        var cancel = TestContext.Current.CancellationToken;

        var added = await ann.PostAsync("/Account/Keys?handler=Add", [new("key", line)], "/Account/Keys");
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var html = await added.Content.ReadAsStringAsync(cancel);
        Assert.Contains($"Added the ssh-ed25519 key {annShown}.", html);
        Assert.Contains("ann@&lt;b&gt;laptop&lt;/b&gt;", html);
        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsync("/Account/Keys?handler=Add", [new("key", bobLine)], "/Account/Keys")).StatusCode);

        // Bad lines and a key already registered (to anyone) come back with their message.
        foreach (var (bad, message) in new[] { ("ssh-ed25519 nonsense!", "not valid base64"), ($"command=\"/bin/sh\" {line}", "authorized_keys options"), (line, "This key is registered already.") })
        {
            var r = await bob.PostAsync("/Account/Keys?handler=Add", [new("key", bad)], "/Account/Keys");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains(HtmlEncoder.Default.Encode(message), await r.Content.ReadAsStringAsync(cancel));
        }

        // Each owner sees only their own keys; the admin sees all, with their users.
        var bobPage = await bob.TextAsync("/Account/Keys");
        Assert.Contains(bobShown, bobPage);
        Assert.DoesNotContain(annShown, bobPage);
        var adminPage = await root.TextAsync("/Account/Keys");
        Assert.Contains(annShown, adminPage);
        Assert.Contains(bobShown, adminPage);
        Assert.Contains("<th>User</th>", adminPage);

        // bob cannot remove ann's key by its id (404, audited), nor any id that does not exist.
        var keys = panel.App.Services.GetRequiredService<SshKeys>();
        var annKey = Assert.Single(keys.Of(panel.Users.Find("ann")!.Id));
        foreach (var id in new[] { annKey.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "999", "x", "" })
            Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync("/Account/Keys?handler=Remove", [new("id", id)], "/Account/Keys")).StatusCode);
        Assert.NotNull(keys.Get(annKey.Id));
        Assert.Equal(4, panel.Audit.Read(user: "bob", action: "ssh.key-remove").Count(e => e.Result == "refused"));

        // A post without a valid token is refused before anything happens.
        Assert.Equal(HttpStatusCode.BadRequest, (await bob.PostAsync("/Account/Keys?handler=Add", [new("key", TestKeys.Make(panel.Root).PublicLine)], null)).StatusCode);

        // The admin removes ann's key; ann removes nothing else of anyone's.
        var removed = await root.PostAsync("/Account/Keys?handler=Remove", [new("id", annKey.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))], "/Account/Keys");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Null(keys.Get(annKey.Id));
        Assert.Contains(panel.Audit.Read(user: "root", action: "ssh.key-remove"), e => e.Result == "ok" && e.Detail == "ann's key");
        Assert.Contains(panel.Audit.Read(user: "ann", action: "ssh.key-add"), e => e.Result == "ok" && e.Target == fingerprint);
    }
}
