using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Api.Client;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Tests.Support;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Guests;

/// <summary>
/// The info page against a real xenod (in process, on a temporary prefix): console output,
/// the usage graph from real statistics, memory on a running guest, an extra disk, rescue
/// mode (two kit boots); CD insert/eject on a running hvm VM (SeaBIOS only, no OS) and the
/// PV/HVM switch with the disk conversion of a copy of the real Debian image through xenod's API
/// (in xenod's helper guest: one more kit boot).
/// </summary>
public sealed class PanelVmGuestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task<T> WithXenodAsync<T>(Func<string, EngineHost, Task<T>> body)
    {
        // A short root: xenod's unix sockets live under the prefix.
        var root = Directory.CreateTempSubdirectory("xq-").FullName;
        var prefix = Path.Combine(root, "p");
        Directory.CreateDirectory(prefix);
        var host = await EngineHost.StartAsync(prefix, options: new EngineOptions { AgentTimeout = TimeSpan.FromMilliseconds(500) }, cancel: Ct);
        try
        {
            return await body(prefix, host);
        }
        finally
        {
            foreach (var d in await host.Engine.ListAsync(CancellationToken.None))
            {
                try { await host.Engine.DestroyAsync(d.Domid.ToString(CultureInfo.InvariantCulture), CancellationToken.None); }
                catch (EngineException) { }
            }
            await host.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, int minutes = 3)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(minutes), $"{what} did not happen within {minutes} minutes");
            await Task.Delay(250, Ct);
        }
    }

    private static async Task<string> PostAsync(Browser b, string info, string handler, HttpStatusCode expected, params (string, string)[] fields)
    {
        var path = handler.Length == 0 ? info : $"{info}?handler={handler}";
        var r = await b.PostAsync(path, fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), info);
        var html = WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync(Ct));
        Assert.True(r.StatusCode == expected, $"POST {path} answered {(int)r.StatusCode}: {html}");
        return html;
    }

    [Fact]
    public Task ARunningVmShowsItsConsoleAndUsageAndRescueModeBootsTheRescueSystem() => WithXenodAsync<bool>(async (prefix, host) =>
    {
        var kit = GuestKit.Get();
        await using var panel = await PanelServer.StartAsync(o => o with
        {
            Kernels = [new() { Name = "kit", Kernel = kit.Vmlinuz, Ramdisk = kit.Initrd, Extra = "console=hvc0 xeno.action=shell xeno.agent=off" }],
            RescueKernel = kit.Vmlinuz,
            RescueRamdisk = kit.Initrd,
            UsageSampleSeconds = 1,
        }, prefix);
        panel.AddUser("ann");
        using var ann = await panel.LoggedInAsync("ann");
        using var xenod = new XenodClient(Path.Combine(prefix, "run/xeno/xenod.sock"), prefix);

        // Boot 1: created and started normally.
        var create = await ann.PostAsync("/Vms/Create", ("name", "resc"), ("type", "pv"), ("memory", "160"), ("vcpus", "1"), ("disk", "1"), ("kernel", "kit"));
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        var info = create.Headers.Location!.OriginalString;
        var vm = panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!).Single();
        await WaitForAsync(async () => (await xenod.GetConsoleOutputAsync("resc", Ct)).Output.Contains("XENO-GUEST-READY", StringComparison.Ordinal), "the ready marker");

        // The page shows the console's recent output, and the sampler's readings as a graph.
        Assert.Contains("XENO-GUEST-READY", await ann.TextAsync(info));
        var samples = panel.App.Services.GetRequiredService<UsageSamples>();
        await WaitForAsync(() => Task.FromResult(samples.Since(vm.Id, 0).Count >= 3), "three usage readings", 1);
        var page = await ann.TextAsync(info);
        Assert.Contains("<polyline", page);
        Assert.Contains("No NICs.", page);

        // Memory within what it was started with goes to the running guest too; a disk waits for the next boot.
        // (The kit's rescue system wants 128 MiB: guest-kit.md.)
        var html = await PostAsync(ann, info, "resources", HttpStatusCode.OK, ("memory", "128"), ("vcpus", "1"));
        Assert.Contains("resc has 128 MiB and 1 vCPUs from its next power-on.", html);
        Assert.Contains("The running guest's memory target is now 128 MiB.", html);
        Assert.Equal(128 * 1024, (await xenod.GetDomainAsync("resc", Ct)).TargetKb);
        html = await PostAsync(ann, info, "diskadd", HttpStatusCode.OK, ("size", "1"));
        Assert.Contains("Added a 1 GiB disk (xvdb)", html);
        var disk = panel.App.Services.GetRequiredService<VmDiskRecords>().Of(vm.Id).Single();
        html = await PostAsync(ann, info, "diskremove", HttpStatusCode.UnprocessableEntity, ("disk", disk.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.Contains("resc is running; shut it down before removing a disk.", html);
        html = await PostAsync(ann, info, "type", HttpStatusCode.UnprocessableEntity, ("type", "hvm"), ("convert", "on"));
        Assert.Contains("Conversion: resc is running; shut it down first.", html);

        // Boot 2: rescue mode, the rescue kernel with both disks, a shell on the console.
        await PostAsync(ann, info, "", HttpStatusCode.OK, ("action", "force-off"));
        html = await PostAsync(ann, info, "boot", HttpStatusCode.OK, ("mode", "rescue"));
        Assert.Contains("resc boots from the rescue system at its next power-on.", html);
        html = await PostAsync(ann, info, "", HttpStatusCode.OK, ("action", "start"));
        Assert.Contains("from the rescue system", html);
        var rescue = await xenod.GetDomainAsync("resc", Ct);
        Assert.Equal(128, rescue.MemoryMib);
        Assert.Contains("xeno.rescue=1", rescue.Config.GetProperty("cmdline").GetString());
        Assert.Equal([vm.DiskPath, disk.Path], rescue.Config.GetProperty("disks").EnumerateArray().Select(d => d.GetProperty("target").GetString()));
        await WaitForAsync(async () => (await xenod.GetConsoleOutputAsync("resc", Ct)).Output.Contains("XENO-GUEST-READY", StringComparison.Ordinal), "the rescue system's ready marker");

        // Off, the extra disk can go.
        await PostAsync(ann, info, "", HttpStatusCode.OK, ("action", "force-off"));
        html = await PostAsync(ann, info, "diskremove", HttpStatusCode.OK, ("disk", disk.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.Contains("Removed the 1 GiB disk xvdb", html);
        Assert.False(File.Exists(disk.Path));
        var audit = panel.Audit.Read(user: "ann");
        foreach (var action in new[] { "vm.resources", "vm.disk-add", "vm.boot-mode", "vm.disk-remove" })
            Assert.Contains(audit, e => e.Action == action && e.Result == "ok");
        return true;
    });

    [Fact]
    public Task ACdGoesInAndOutOfARunningHvmVmAndTheTypeSwitchConvertsItsDisk() => WithXenodAsync<bool>(async (prefix, host) =>
    {
        var kit = GuestKit.Get();
        var debian = DebianImage.Get();
        await using var panel = await PanelServer.StartAsync(o => o with { DefaultQuota = new Quota(2, 1024, 2, 4) }, prefix);
        panel.AddUser("ann");
        panel.AddUser("root", Role.Admin);
        using var ann = await panel.LoggedInAsync("ann");
        using var root = await panel.LoggedInAsync("root");
        using var xenod = new XenodClient(Path.Combine(prefix, "run/xeno/xenod.sock"), prefix);
        var r = await root.PostAsync("/Admin/Isos?handler=register", [new("name", "kit-boot"), new("path", kit.BootIso)], "/Admin/Isos");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // An empty hvm VM: SeaBIOS finds nothing to boot, QEMU runs with its CD drive.
        var create = await ann.PostAsync("/Vms/Create", ("name", "deb"), ("type", "hvm"), ("memory", "96"), ("vcpus", "1"), ("disk", "2"), ("kernel", ""));
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        var info = create.Headers.Location!.OriginalString;
        Assert.Contains("Created deb and started it.", await ann.TextAsync(info));
        var html = await PostAsync(ann, info, "cdinsert", HttpStatusCode.OK, ("cd", "kit-boot"));
        Assert.Contains("Inserted kit-boot into deb's CD drive.", html);
        var cd = (await xenod.ListDisksAsync("deb", Ct)).Devices.Single(d => d.Vdev == "hdc");
        Assert.Equal(kit.BootIso, cd.Target);
        html = await PostAsync(ann, info, "cdeject", HttpStatusCode.OK);
        Assert.Contains("Ejected the CD of deb.", html);
        Assert.True(string.IsNullOrEmpty((await xenod.ListDisksAsync("deb", Ct)).Devices.Single(d => d.Vdev == "hdc").Target));
        await PostAsync(ann, info, "", HttpStatusCode.OK, ("action", "force-off"));

        // Its disk now holds the real Debian system (hvm-ready as built): switch to pv with the conversion.
        var vm = panel.App.Services.GetRequiredService<VmRecords>().VisibleTo(panel.Users.Find("ann")!).Single();
        using (var cp = Process.Start("cp", ["--sparse=always", "-f", debian.Disk, vm.DiskPath])!)
        {
            await cp.WaitForExitAsync(Ct);
            Assert.Equal(0, cp.ExitCode);
        }
        // xenod's default helper: the kit's kernel and rescue initramfs under its prefix.
        var rescue = Path.Combine(prefix, "usr/lib/xeno/rescue");
        Directory.CreateDirectory(rescue);
        File.Copy(kit.Vmlinuz, Path.Combine(rescue, "vmlinuz"));
        File.Copy(kit.RescueInitrd, Path.Combine(rescue, "initrd.img"));
        html = await PostAsync(ann, info, "type", HttpStatusCode.OK, ("type", "pv"), ("kernel", ""), ("convert", "on"));
        Assert.Contains("deb boots as pv with the guest's own kernel (pygrub) from its next power-on. Converted the disk's Debian GNU/Linux 12 (bookworm): ", html);
        Assert.Equal(VmType.Pv, panel.App.Services.GetRequiredService<VmRecords>().Get(vm.Id)!.Type);
        // Converting to what it already is changes nothing and says so, through the same API.
        var again = await xenod.ConvertGuestAsync(new() { Disk = vm.DiskPath, Type = "pv", DryRun = true }, cancel: Ct);
        Assert.Equal((0, ""), (again.Changes, again.Diff));
        // The backup is on the guest's disk (the helper made it), nothing beside the disk on the host.
        Assert.Matches(@"changes \(backup in /var/backups/xeno-convert-pv-\d{8}T\d{6}Z on the disk\)\.", html);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(vm.DiskPath)!, "deb.img.convert-*"));
        Assert.DoesNotContain(await host.Engine.ListAsync(Ct), d => d.Name.StartsWith("xeno-convert-", StringComparison.Ordinal));
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.type"), e => e.Result == "ok" && e.Detail!.Contains("Converted", StringComparison.Ordinal));
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.cd-insert"), e => e.Result == "ok");

        // Deleting it takes the conversion's backup too: nothing of deb stays in the storage folder.
        r = await ann.PostAsync($"{info}?handler=delete", [new("confirm", "deb")], info);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(vm.DiskPath)!));
        return true;
    });
}
