using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Engine.Tests.Support;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Guests;

/// <summary>
/// The create page's "autoinstall Debian" against a real xenod (in process): a request xenod
/// refuses (no helper kernel on the host) records nothing and makes no disk, with the refusal
/// audited; then, with a base image and the kit's plain initramfs as the helper's (it has no
/// installer: one short kit boot), the VM is recorded, xenod's install fails in the helper, the
/// panel audits vm.install failed with the helper's reason, and the half-made disk is gone. While
/// the install runs (its helper paused, so it certainly does) the VM cannot be deleted; after the
/// failure the VM is removed, its quota freed, and the owner's VM list says why.
/// The successful install is xl guest-install's test (same route, Xeno.Engine.Tests).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PanelAutoinstallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBase64Key= me@host";

    private static (string, string)[] Form(string name) =>
    [
        ("name", name), ("type", "pv"), ("memory", "256"), ("vcpus", "1"), ("disk", "1"), ("kernel", ""),
        ("boot", "autoinstall"), ("hostname", name + ".example"), ("rootPassword", ""), ("sshKeys", Key),
    ];

    [Fact]
    public Task AnAutoinstallXenodRefusesMakesNothingAndOneThatFailsInTheHelperIsAudited() => PanelVmGuestTests.WithXenodAsync<bool>(async (prefix, host) =>
    {
        var kit = GuestKit.Get();
        await using var panel = await PanelServer.StartAsync(prefix: prefix);
        panel.AddUser("ann");
        using var ann = await panel.LoggedInAsync("ann");
        var records = panel.App.Services.GetRequiredService<VmRecords>();

        // No helper kernel (nor base image) on this host: xenod refuses, the panel shows it and records nothing.
        var refused = await ann.PostAsync("/Vms/Create", Form("deb1"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct));
        Assert.Contains($"Autoinstall: no helper kernel at {Path.Combine(prefix, "usr/lib/xeno/rescue/vmlinuz")}: ", html);
        Assert.Empty(records.VisibleTo(panel.Users.Find("ann")!));
        Assert.False(File.Exists(Path.Combine(panel.Options.DiskDir, "deb1.img")));
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.create"), e => e.Result == "refused" && e.Target == "deb1");

        // xenod's defaults: a base image, and the kit's kernel with its plain initramfs (no installer) as the helper's.
        PartitionedBaseImage.Create(Path.Combine(prefix, "usr/lib/xeno/images/debian-12.img"));
        var rescue = Path.Combine(prefix, "usr/lib/xeno/rescue");
        Directory.CreateDirectory(rescue);
        File.Copy(kit.Vmlinuz, Path.Combine(rescue, "vmlinuz"));
        File.Copy(kit.Initrd, Path.Combine(rescue, "initrd.img"));
        var created = await ann.PostAsync("/Vms/Create", Form("deb1"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Contains("Created deb1: Debian is being installed on its disk", WebUtility.HtmlDecode(await ann.TextAsync(created.Headers.Location!.OriginalString)));
        var vm = Assert.Single(records.VisibleTo(panel.Users.Find("ann")!));
        Assert.Equal((VmType.Pv, null, Path.Combine(panel.Options.DiskDir, "deb1.img")), (vm.Type, vm.Kernel, vm.DiskPath));
        var sw = Stopwatch.StartNew();
        var helper = "xeno-install-deb1";
        while (!(await host.Engine.ListAsync(Ct)).Any(d => d.Name == helper))
        {
            Assert.False(panel.Audit.Read(user: "ann", action: "vm.install").Any(), "the install ended before its helper domain was seen");
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(5), "the install's helper domain did not appear within 5 minutes");
            await Task.Delay(50, Ct);
        }
        // Paused, the helper cannot finish: the install is certainly running while the delete is asked.
        await host.Engine.PauseAsync(helper, true, Ct);
        var info = created.Headers.Location!.OriginalString;
        var refusedDelete = await ann.PostAsync($"{info}?handler=delete", [new("confirm", "deb1")], info);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedDelete.StatusCode);
        Assert.Contains("Delete: Debian is still being installed on deb1's disk; wait until the install ends", WebUtility.HtmlDecode(await refusedDelete.Content.ReadAsStringAsync(Ct)));
        Assert.NotNull(records.Get(vm.Id));
        await host.Engine.PauseAsync(helper, false, Ct);

        while (!panel.Audit.Read(user: "ann", action: "vm.install").Any())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(5), "the install's end was not audited within 5 minutes");
            await Task.Delay(250, Ct);
        }
        var end = Assert.Single(panel.Audit.Read(user: "ann", action: "vm.install"));
        Assert.Equal(("failed", "deb1"), (end.Result, end.Target));
        Assert.StartsWith("this initramfs has no installer", end.Detail, StringComparison.Ordinal);
        Assert.EndsWith(". deb1 was removed and its quota freed; create it again to retry.", end.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(vm.DiskPath));
        Assert.DoesNotContain(await host.Engine.ListAsync(Ct), d => d.Name == helper);
        // Nothing is left: no record, no quota used, and the owner's list says what happened.
        Assert.Null(records.Get(vm.Id));
        Assert.Equal(new Usage(0, 0, 0, 0), records.UsageOf(vm.OwnerId));
        var list = WebUtility.HtmlDecode(await ann.TextAsync("/"));
        Assert.Contains("The autoinstall of deb1 failed (", list);
        Assert.Contains(end.Detail!, list);
        Assert.Contains("No VMs yet.", list);
        return true;
    });
}
