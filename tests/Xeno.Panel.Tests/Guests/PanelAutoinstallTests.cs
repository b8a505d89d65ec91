using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Engine.Hosting;
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
/// A panel restarted while an install runs follows it again from the database: it still refuses
/// the VM's power-on and delete, and ends the install as the first panel would have; an install
/// xenod no longer knows (xenod restarted) is ended with that reason.
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

    /// <summary>xenod's defaults: a base image, and the kit's kernel with its plain initramfs (no installer) as the helper's.</summary>
    private static void InstallWithoutInstaller(string prefix, GuestKit kit)
    {
        PartitionedBaseImage.Create(Path.Combine(prefix, "usr/lib/xeno/images/debian-12.img"));
        var rescue = Path.Combine(prefix, "usr/lib/xeno/rescue");
        Directory.CreateDirectory(rescue);
        File.Copy(kit.Vmlinuz, Path.Combine(rescue, "vmlinuz"));
        File.Copy(kit.Initrd, Path.Combine(rescue, "initrd.img"));
    }

    /// <summary>Waits for the install's helper domain and pauses it: it cannot finish, so the install certainly runs until it is unpaused.</summary>
    private static async Task<string> PauseHelperAsync(PanelServer panel, EngineHost host, string vm)
    {
        var sw = Stopwatch.StartNew();
        var helper = "xeno-install-" + vm;
        while (!(await host.Engine.ListAsync(Ct)).Any(d => d.Name == helper))
        {
            Assert.False(panel.Audit.Read(action: "vm.install").Any(), "the install ended before its helper domain was seen");
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(5), "the install's helper domain did not appear within 5 minutes");
            await Task.Delay(50, Ct);
        }
        await host.Engine.PauseAsync(helper, true, Ct);
        return helper;
    }

    private static async Task<AuditEntry> InstallEndAsync(PanelServer panel, string user)
    {
        var sw = Stopwatch.StartNew();
        while (!panel.Audit.Read(user: user, action: "vm.install").Any())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(5), "the install's end was not audited within 5 minutes");
            await Task.Delay(250, Ct);
        }
        return Assert.Single(panel.Audit.Read(user: user, action: "vm.install"));
    }

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

        InstallWithoutInstaller(prefix, kit);
        var created = await ann.PostAsync("/Vms/Create", Form("deb1"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Contains("Created deb1: Debian is being installed on its disk", WebUtility.HtmlDecode(await ann.TextAsync(created.Headers.Location!.OriginalString)));
        var vm = Assert.Single(records.VisibleTo(panel.Users.Find("ann")!));
        Assert.Equal((VmType.Pv, null, Path.Combine(panel.Options.DiskDir, "deb1.img")), (vm.Type, vm.Kernel, vm.DiskPath));
        var helper = await PauseHelperAsync(panel, host, "deb1");
        var info = created.Headers.Location!.OriginalString;
        var refusedDelete = await ann.PostAsync($"{info}?handler=delete", [new("confirm", "deb1")], info);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedDelete.StatusCode);
        Assert.Contains("Delete: Debian is still being installed on deb1's disk; wait until the install ends", WebUtility.HtmlDecode(await refusedDelete.Content.ReadAsStringAsync(Ct)));
        Assert.NotNull(records.Get(vm.Id));
        await host.Engine.PauseAsync(helper, false, Ct);

        var end = await InstallEndAsync(panel, "ann");
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

    [Fact]
    public Task APanelRestartedDuringAnInstallStillRefusesItsVmAndEndsTheInstall() => PanelVmGuestTests.WithXenodAsync<bool>(async (prefix, host) =>
    {
        var kit = GuestKit.Get();
        await using var panel = await PanelServer.StartAsync(prefix: prefix);
        panel.AddUser("ann");
        InstallWithoutInstaller(prefix, kit);
        string info;
        using (var before = await panel.LoggedInAsync("ann"))
        {
            var created = await before.PostAsync("/Vms/Create", Form("deb2"));
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
            info = created.Headers.Location!.OriginalString;
        }
        var vm = Assert.Single(panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!));
        var helper = await PauseHelperAsync(panel, host, "deb2");

        // The panel stops and a new one starts on the same database while the helper still writes the disk.
        await panel.RestartAsync();
        var records = panel.App.Services.GetRequiredService<VmRecords>();
        Assert.True(panel.App.Services.GetRequiredService<VmInstallRecords>().IsRunning(vm.Id));
        using var ann = await panel.LoggedInAsync("ann");
        var start = await ann.PostAsync(info, [new("action", "start")], info);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("Power on: Debian is still being installed on deb2's disk; deb2 starts by itself when the install is done",
            WebUtility.HtmlDecode(await start.Content.ReadAsStringAsync(Ct)));
        var delete = await ann.PostAsync($"{info}?handler=delete", [new("confirm", "deb2")], info);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, delete.StatusCode);
        Assert.Contains("Delete: Debian is still being installed on deb2's disk; wait until the install ends", WebUtility.HtmlDecode(await delete.Content.ReadAsStringAsync(Ct)));
        Assert.NotNull(records.Get(vm.Id));
        Assert.DoesNotContain(await host.Engine.ListAsync(Ct), d => d.Name == "deb2");

        // The restarted panel ends the install as the first one would have: audited with the helper's reason, the VM removed.
        await host.Engine.PauseAsync(helper, false, Ct);
        var end = await InstallEndAsync(panel, "ann");
        Assert.Equal(("failed", "deb2"), (end.Result, end.Target));
        Assert.StartsWith("this initramfs has no installer", end.Detail, StringComparison.Ordinal);
        Assert.EndsWith(". deb2 was removed and its quota freed; create it again to retry.", end.Detail, StringComparison.Ordinal);
        Assert.Null(records.Get(vm.Id));
        Assert.False(File.Exists(vm.DiskPath));
        Assert.Empty(panel.App.Services.GetRequiredService<VmInstallRecords>().All());
        Assert.Contains("The autoinstall of deb2 failed (", WebUtility.HtmlDecode(await ann.TextAsync("/")));
        return true;
    });

    /// <summary>xenod's installs do not outlive it: one recorded by the panel that xenod does not know is ended at panel start, with that reason.</summary>
    [Fact]
    public Task AnInstallXenodNoLongerKnowsIsEndedWithThatReason() => PanelVmGuestTests.WithXenodAsync<bool>(async (prefix, host) =>
    {
        await using var panel = await PanelServer.StartAsync(prefix: prefix);
        var ann = panel.AddUser("ann");
        var records = panel.App.Services.GetRequiredService<VmRecords>();
        var disk = Path.Combine(panel.Options.DiskDir, "deb3.img");
        Directory.CreateDirectory(panel.Options.DiskDir);
        File.WriteAllBytes(disk, [1, 2, 3]);
        var vm = records.Add("deb3", ann.Id, panel.App.Services.GetRequiredService<Hosts>().Get(Hosts.LocalName)!.Id, VmType.Pv, 256, 1, 1, disk, null)!;
        panel.App.Services.GetRequiredService<VmInstallRecords>().Begin(vm.Id, "install-gone", ann.Id, "192.0.2.5", DateTimeOffset.UtcNow);

        await panel.RestartAsync();
        var end = await InstallEndAsync(panel, "ann");
        Assert.Equal(("failed", "deb3", "192.0.2.5"), (end.Result, end.Target, end.Remote));
        Assert.StartsWith("xenod no longer knows the install install-gone, so how it ended is unknown (xenod restarted, or forgot it after it ended; xenod says: no install install-gone ", end.Detail, StringComparison.Ordinal);
        Assert.EndsWith(". deb3 was removed and its quota freed; create it again to retry.", end.Detail, StringComparison.Ordinal);
        Assert.Null(records.Get(vm.Id));
        // Whether the helper still writes it is unknown: the disk stays for an admin.
        Assert.True(File.Exists(disk));
        Assert.Empty(panel.App.Services.GetRequiredService<VmInstallRecords>().All());
        return true;
    });
}
