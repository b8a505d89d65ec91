using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Api.Client;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Guests;

/// <summary>
/// Deleting a VM against a real xenod (in process): a running VM (an empty hvm guest, SeaBIOS
/// only: no OS to boot) is forced off, its disks in the storage folder go, its record and so its
/// quota are freed (the name can be created again), the delete is audited. A VM administrator
/// may delete, and so may an admin. On the way, the second VM boots from xenod's chain-load CD.
/// </summary>
public sealed class PanelDeleteGuestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task DeletingARunningVmForcesItOffRemovesItsDisksAndFreesItsQuota() => PanelVmGuestTests.WithXenodAsync<bool>(async (prefix, host) =>
    {
        await using var panel = await PanelServer.StartAsync(o => o with { DefaultQuota = new Quota(1, 256, 1, 3) }, prefix);
        panel.AddUser("ann");
        var bobUser = panel.AddUser("bob");
        panel.AddUser("root", Role.Admin);
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        using var root = await panel.LoggedInAsync("root");
        using var xenod = new XenodClient(Path.Combine(prefix, "run/xeno/xenod.sock"), prefix);
        var records = panel.App.Services.GetRequiredService<VmRecords>();
        (string, string)[] form = [("name", "gone"), ("type", "hvm"), ("memory", "96"), ("vcpus", "1"), ("disk", "1"), ("kernel", "")];

        var create = await ann.PostAsync("/Vms/Create", form);
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        var info = create.Headers.Location!.OriginalString;
        Assert.Contains("Created gone and started it.", await ann.TextAsync(info));
        var vm = records.VisibleTo(panel.Users.Find("ann")!).Single();
        var r = await ann.PostAsync($"{info}?handler=diskadd", [new("size", "1")], info);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var extra = Path.Combine(panel.Options.DiskDir, "gone-b.img");
        Assert.True(File.Exists(extra));
        var domid = (await xenod.GetDomainAsync("gone", Ct)).Domid;
        // The quota is used up: a second VM does not fit.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ann.PostAsync("/Vms/Create", [.. form.Select(f => f.Item1 == "name" ? ("name", "other") : f)])).StatusCode);

        // One of its administrators deletes it (the owner's rights on this VM).
        records.AddAdministrator(vm.Id, bobUser.Id);
        r = await bob.PostAsync($"{info}?handler=delete", [new("confirm", "gone")], info);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/", r.Headers.Location!.OriginalString);
        var message = $"Deleted gone and its 2 disks. Forced it off first (domain {domid}).";
        Assert.Contains(message, WebUtility.HtmlDecode(await bob.TextAsync("/")));
        Assert.DoesNotContain(await xenod.ListDomainsAsync(Ct), d => d.Name == "gone");
        Assert.False(File.Exists(vm.DiskPath));
        Assert.False(File.Exists(extra));
        Assert.Null(records.Get(vm.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await ann.GetAsync(info)).StatusCode);
        Assert.Equal(new Usage(0, 0, 0, 0), records.UsageOf(vm.OwnerId));
        var entry = Assert.Single(panel.Audit.Read(action: "vm.delete"));
        Assert.Equal(("bob", "gone", "ok", message), (entry.User, entry.Target, entry.Result, entry.Detail));

        // The quota and the name are free again; an admin deletes the new one.
        create = await ann.PostAsync("/Vms/Create", form);
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        info = create.Headers.Location!.OriginalString;
        // Chain-load CD boot: the CD is xenod's, built by POST /v1/guests/chainload-cd at power-on.
        r = await ann.PostAsync($"{info}?handler=boot", [new("mode", "chainload")], info);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        r = await ann.PostAsync(info, [new("action", "force-off")], info);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        r = await ann.PostAsync(info, [new("action", "start")], info);
        Assert.True(r.StatusCode == HttpStatusCode.OK, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync(Ct)));
        Assert.Contains("from the chain-load CD (the guest's own GRUB configuration).", WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync(Ct)));
        var cd = (await xenod.ListDisksAsync("gone", Ct)).Devices.Single(d => d.Vdev == "hdc").Target;
        Assert.Equal(Path.Combine(prefix, "var/lib/xeno/chainload-cd"), Path.GetDirectoryName(cd));
        Assert.True(File.Exists(cd), cd);

        r = await root.PostAsync($"{info}?handler=delete", [new("confirm", "gone")], info);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Empty(records.VisibleTo(panel.Users.Find("root")!));
        Assert.Empty(Directory.GetFileSystemEntries(panel.Options.DiskDir));
        Assert.DoesNotContain(await xenod.ListDomainsAsync(Ct), d => d.Name == "gone");
        Assert.Equal(["ok", "ok"], panel.Audit.Read(action: "vm.delete").Select(e => e.Result));
        return true;
    });
}
