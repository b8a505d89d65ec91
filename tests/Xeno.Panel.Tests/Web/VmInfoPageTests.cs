using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

/// <summary>The info page's settings and the CD catalogue without a xenod: what the panel decides and records itself.</summary>
public sealed class VmInfoPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(PanelServer Panel, Browser Ann, string Info, PanelVm Vm)> StartAsync(Func<PanelOptions, PanelOptions>? change = null)
    {
        var panel = await PanelServer.StartAsync(change);
        panel.AddUser("ann");
        var ann = await panel.LoggedInAsync("ann");
        var created = await ann.PostAsync("/Vms/Create", ("name", "web"), ("type", "hvm"), ("memory", "128"), ("vcpus", "1"), ("disk", "1"), ("kernel", ""));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var vm = panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!).Single();
        return (panel, ann, created.Headers.Location!.OriginalString, vm);
    }

    private static async Task<(HttpStatusCode Status, string Html)> PostAsync(Browser b, string info, string handler, params (string, string)[] fields)
    {
        var r = await b.PostAsync($"{info}?handler={handler}", fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), info);
        return (r.StatusCode, WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task ThePvHvmSwitchTakesEffectAtTheNextBootAndIsAudited()
    {
        var (panel, ann, info, vm) = await StartAsync();
        await using var _ = panel;
        using var __ = ann;
        var (status, html) = await PostAsync(ann, info, "type", ("type", "pv"), ("kernel", ""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("web boots as pv with the guest's own kernel (pygrub) from its next power-on.", html);
        Assert.Equal(VmType.Pv, panel.App.Services.GetRequiredService<VmRecords>().Get(vm.Id)!.Type);

        // The conversion needs xenod (and a stopped VM): without it nothing changes.
        (status, html) = await PostAsync(ann, info, "type", ("type", "hvm"), ("convert", "on"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("xenod: no xenod is running", html);
        Assert.Equal(VmType.Pv, panel.App.Services.GetRequiredService<VmRecords>().Get(vm.Id)!.Type);

        (status, html) = await PostAsync(ann, info, "type", ("type", "<b>x</b>"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Type: choose PV or HVM.", html);
        Assert.Equal(["refused", "refused", "ok"], panel.Audit.Read(user: "ann", action: "vm.type").Select(e => e.Result));
    }

    [Fact]
    public async Task BootModesAreCheckedAndApplyAtPowerOn()
    {
        var (panel, ann, info, vm) = await StartAsync();
        await using var _ = panel;
        using var __ = ann;
        var (status, html) = await PostAsync(ann, info, "boot", ("mode", "rescue"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("web boots from the rescue system at its next power-on.", html);
        // No rescue files on this host: power-on refuses with words, before asking xenod.
        var start = await ann.PostAsync(info, [new("action", "start")], info);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("Rescue mode: the rescue kernel is not installed on this host", WebUtility.HtmlDecode(await start.Content.ReadAsStringAsync(Ct)));
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.start"), e => e.Result == "refused");

        (status, html) = await PostAsync(ann, info, "boot", ("mode", "cd"), ("cd", "/etc/passwd"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("CD image: choose one of the images offered.", html);
        Assert.Equal(BootMode.Rescue, panel.App.Services.GetRequiredService<VmBootRecords>().Get(vm.Id).Mode);
        (status, html) = await PostAsync(ann, info, "boot", ("mode", "chainlaod"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Boot mode: choose one of the modes offered.", html);

        // The chain-load CD is xenod's (POST /v1/guests/chainload-cd), asked for at power-on: without xenod, refused with its reason.
        (status, html) = await PostAsync(ann, info, "boot", ("mode", "chainload"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("web boots from the chain-load CD (the guest's own GRUB configuration) at its next power-on.", html);
        start = await ann.PostAsync(info, [new("action", "start")], info);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("Chain-load CD: no xenod is running", WebUtility.HtmlDecode(await start.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(2, panel.Audit.Read(user: "ann", action: "vm.start").Count(e => e.Result == "refused"));
    }

    [Fact]
    public async Task MemoryVcpusAndDisksStayWithinTheQuota()
    {
        var (panel, ann, info, vm) = await StartAsync(o => o with { DefaultQuota = new Quota(MaxVms: 2, MaxMemoryMib: 512, MaxVcpus: 2, MaxDiskGib: 3) });
        await using var _ = panel;
        using var __ = ann;
        var (status, html) = await PostAsync(ann, info, "resources", ("memory", "1024"), ("vcpus", "1"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Quota: 896 MiB more memory would make 1024 MiB of 512 MiB.", html);
        (status, html) = await PostAsync(ann, info, "resources", ("memory", "512"), ("vcpus", "2"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("web has 512 MiB and 2 vCPUs from its next power-on.", html);
        var now = panel.App.Services.GetRequiredService<VmRecords>().Get(vm.Id)!;
        Assert.Equal((512, 2), (now.MemoryMib, now.Vcpus));
        (status, html) = await PostAsync(ann, info, "resources", ("memory", "lots"), ("vcpus", "2"));
        Assert.Contains("Memory (MiB): give a whole number", html);

        (status, html) = await PostAsync(ann, info, "diskadd", ("size", "2"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Added a 2 GiB disk (xvdb)", html);
        Assert.Equal(2L << 30, new FileInfo(Path.Combine(panel.Options.DiskDir, "web-b.img")).Length);
        (status, html) = await PostAsync(ann, info, "diskadd", ("size", "1"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Quota: 1 GiB more disk would make 4 GiB of 3 GiB.", html);
        // Whether it runs is unknown without xenod: a disk is removed only when the VM is known to be off.
        var disk = panel.App.Services.GetRequiredService<VmDiskRecords>().Of(vm.Id).Single();
        (status, html) = await PostAsync(ann, info, "diskremove", ("disk", disk.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("xenod: no xenod is running", html);
        (status, html) = await PostAsync(ann, info, "diskremove", ("disk", "999"));
        Assert.Contains("Disks: choose one of this VM's extra disks.", html);
        Assert.True(File.Exists(disk.Path));
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.disk-add"), e => e.Result == "ok");
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.resources"), e => e.Result == "refused");
    }

    [Fact]
    public async Task ADeleteNeedsTheNameTheTokenAndXenod()
    {
        var (panel, ann, info, vm) = await StartAsync();
        await using var _ = panel;
        using var __ = ann;
        Assert.Contains("Type its name to confirm", await ann.TextAsync(info));
        var (status, html) = await PostAsync(ann, info, "delete", ("confirm", "wbe"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Delete: type the VM's name, web, to confirm.", html);
        // Without the form's token: refused before the handler, and audited.
        var r = await ann.PostAsync($"{info}?handler=delete", [new("confirm", "web")], tokenPage: null);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(panel.Audit.Read(action: "csrf"), e => e.Result == "refused" && e.User == "ann");
        // Whether it runs is unknown without xenod: nothing is deleted.
        (status, html) = await PostAsync(ann, info, "delete", ("confirm", "web"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("xenod: no xenod is running", html);
        Assert.Contains("web was not deleted.", html);
        Assert.NotNull(panel.App.Services.GetRequiredService<VmRecords>().Get(vm.Id));
        Assert.True(File.Exists(vm.DiskPath));
        Assert.Equal(["refused", "refused"], panel.Audit.Read(user: "ann", action: "vm.delete").Select(e => e.Result));
    }

    /// <summary>
    /// An autoinstall writing the VM's disk refuses its power-on, as it refuses its delete, and a
    /// restarted panel still does: the install is the database's, not the old process's memory
    /// (no xenod here: the restarted panel keeps asking for the install, so it is still running).
    /// </summary>
    [Fact]
    public async Task PowerOnAndDeleteAreRefusedDuringAnInstallAlsoAfterARestart()
    {
        var (panel, ann, info, vm) = await StartAsync();
        await using var _ = panel;
        ann.Dispose();
        panel.App.Services.GetRequiredService<VmInstallRecords>().Begin(vm.Id, "install-3", vm.OwnerId, "192.0.2.9", DateTimeOffset.UtcNow);
        await panel.RestartAsync();
        using var again = await panel.LoggedInAsync("ann");
        var start = await again.PostAsync(info, [new("action", "start")], info);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("Power on: Debian is still being installed on web's disk; web starts by itself when the install is done (a few minutes).",
            WebUtility.HtmlDecode(await start.Content.ReadAsStringAsync(Ct)));
        var (status, html) = await PostAsync(again, info, "delete", ("confirm", "web"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Delete: Debian is still being installed on web's disk; wait until the install ends (a few minutes), then delete it.", html);
        Assert.NotNull(panel.App.Services.GetRequiredService<VmRecords>().Get(vm.Id));
        // Newest first; the create's own start failed earlier (no xenod), and is not one of these.
        var refused = panel.Audit.Read(user: "ann").Where(e => e.Action is "vm.start" or "vm.delete" && e.Result == "refused").ToList();
        Assert.Equal([("vm.delete", "web"), ("vm.start", "web")], refused.Select(e => (e.Action, e.Target!)));
        Assert.True(panel.App.Services.GetRequiredService<VmInstallRecords>().IsRunning(vm.Id));
    }

    [Fact]
    public async Task AdminsKeepTheCatalogueOwnersPickByName()
    {
        var (panel, ann, info, vm) = await StartAsync(o => o with { MaxIsoUploadMib = 1 });
        await using var _ = panel;
        using var __ = ann;
        panel.AddUser("root", Role.Admin);
        using var root = await panel.LoggedInAsync("root");
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.GetAsync("/Admin/Isos")).StatusCode);

        var iso = Path.Combine(panel.Root, "host-image.iso");
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(iso, bytes, Ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var r = await root.PostAsync("/Admin/Isos?handler=register", [new("name", "host-image"), new("path", iso)], "/Admin/Isos");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains($"Registered host-image (sha256 {sha}).", await r.Content.ReadAsStringAsync(Ct));
        r = await root.PostAsync("/Admin/Isos?handler=register", [new("name", "nothing"), new("path", "/no/such/file.iso")], "/Admin/Isos");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains("Path: there is no file at /no/such/file.iso.", await r.Content.ReadAsStringAsync(Ct));

        r = await root.UploadAsync("/Admin/Isos?handler=upload", [("name", "small")], "file", "small.iso", bytes, "/Admin/Isos");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(panel.Options.IsoStoreDir, "small.iso"), Ct));
        // Over the limit but within the form's slack: the copy counts and refuses it.
        r = await root.UploadAsync("/Admin/Isos?handler=upload", [("name", "big")], "file", "big.iso", new byte[1_500_000], "/Admin/Isos");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("File: the image is larger than the 1 MiB an upload may be.", await r.Content.ReadAsStringAsync(Ct));
        // Far over: refused from its length before the body is read.
        r = await root.UploadAsync("/Admin/Isos?handler=upload", [("name", "huge")], "file", "huge.iso", new byte[3_000_000], "/Admin/Isos");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        var hugeHtml = await r.Content.ReadAsStringAsync(Ct);
        Assert.True(hugeHtml.Contains("The upload is larger than this panel accepts", StringComparison.Ordinal), string.Join("\n", panel.Audit.Read().Select(e => $"{e.Action} {e.Result} {e.Detail}")));
        Assert.False(File.Exists(Path.Combine(panel.Options.IsoStoreDir, "big.iso")));
        Assert.False(File.Exists(Path.Combine(panel.Options.IsoStoreDir, "huge.iso")));
        Assert.Equal(["refused", "refused", "ok"], panel.Audit.Read(action: "cd.upload").Select(e => e.Result));

        // The owner sees names and checksums, never the host path, and picks by name.
        var page = await ann.TextAsync(info);
        Assert.Contains("host-image", page);
        Assert.Contains(sha, page);
        Assert.DoesNotContain(iso, page);
        var (status, html) = await PostAsync(ann, info, "boot", ("mode", "cd"), ("cd", "host-image"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("web boots from the CD image host-image at its next power-on.", html);
        // An image in use stays; the CD drive of a VM that is not running says so.
        r = await root.PostAsync("/Admin/Isos?handler=remove", [new("name", "host-image")], "/Admin/Isos");
        Assert.Contains("host-image is the boot CD of 1 VM(s)", WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync(Ct)));
        r = await root.PostAsync("/Admin/Isos?handler=remove", [new("name", "small")], "/Admin/Isos");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(File.Exists(Path.Combine(panel.Options.IsoStoreDir, "small.iso")));
        (status, html) = await PostAsync(ann, info, "cdinsert", ("cd", "host-image"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("xenod: no xenod is running", html);
    }
}
