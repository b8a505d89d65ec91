using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xeno.Api.Client;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Guests;

/// <summary>
/// The SSH menu end to end: a real xenod (in process) runs an owner's PV guest from the guest
/// kit, a real sshd lets the owner's key in through `xeno-panel authorized-keys`, and `ssh -tt`
/// on a real terminal drives the menu: the list (without another owner's VM, which cannot be
/// chosen by number or name), the guest's hvc0 console (a command typed there runs), ^] back,
/// the boot-mode entries (rescue, a catalogue CD, normal) and a CD insert the pv guest refuses, force off;
/// while an autoinstall is recorded for the VM (the web panel's row) power-on and delete are refused;
/// then delete, confirmed by the VM's name, removes the VM and its disk as the web's delete does. One
/// guest boot. sshd, its session processes and files are gone afterwards.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SshMenuGuestTests
{
    private static readonly string PanelProgram = Path.Combine(AppContext.BaseDirectory, "xeno-panel");

    [Fact]
    public async Task AnOwnerUsesTheMenuOverRealSshToReachTheirGuestsConsoleAndPowerItOff()
    {
        var cancel = TestContext.Current.CancellationToken;
        var kit = GuestKit.Get();
        // A short root: xenod's unix sockets live under the prefix.
        var root = Directory.CreateTempSubdirectory("xsm-").FullName;
        var prefix = Path.Combine(root, "p");
        Directory.CreateDirectory(prefix);
        var host = await EngineHost.StartAsync(prefix, options: new EngineOptions { AgentTimeout = TimeSpan.FromMilliseconds(500) }, cancel: cancel);
        MenuSshd? sshd = null;
        try
        {
            // The database and the storage folder at their default places under the prefix, where `xeno-panel … --prefix`
            // finds them (the menu deletes only disks in the storage folder it is configured with).
            await using var panel = await PanelServer.StartAsync(o => o with
            {
                Database = null,
                StorageDir = null,
                Kernels = [new() { Name = "kit", Kernel = kit.Vmlinuz, Ramdisk = kit.Initrd, Extra = "console=hvc0 xeno.action=shell xeno.agent=off" }],
            }, prefix);
            var bob = panel.AddUser("bob");
            panel.AddUser("ann");
            using var ann = await panel.LoggedInAsync("ann");
            var create = await ann.PostAsync("/Vms/Create", ("name", "annvm"), ("type", "pv"), ("memory", "128"), ("vcpus", "1"), ("disk", "1"), ("kernel", "kit"));
            Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
            // bob's VM is only recorded (never started): the menu must not show it to ann either way.
            var records = panel.App.Services.GetRequiredService<VmRecords>();
            // One catalogue image (as an admin registers it) for the boot-mode and CD entries.
            var image = panel.App.Services.GetRequiredService<CdImages>().Add("rescue-cd.iso", Path.Combine(root, "rescue-cd.iso"), 1 << 20, new string('a', 64), false, "root")!;
            records.Add("bobvm", bob.Id, records.VisibleTo(panel.Users.Find("ann")!).Single().HostId, VmType.Pv, 64, 1, 1, Path.Combine(root, "bobvm.img"), null);

            // ann registers her key on the keys page.
            var sshDir = Path.Combine(root, "ssh");
            Directory.CreateDirectory(sshDir);
            var annKey = Path.Combine(sshDir, "ann_key");
            MenuSshd.Keygen(annKey, "ann@test");
            var added = await ann.PostAsync("/Account/Keys?handler=Add", [new("key", File.ReadAllText(annKey + ".pub"))], "/Account/Keys");
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);

            using var xenod = new XenodClient(Path.Combine(prefix, "run/xeno/xenod.sock"), prefix);
            var sw = Stopwatch.StartNew();
            while (!(await xenod.GetConsoleOutputAsync("annvm", cancel)).Output.Contains("XENO-GUEST-READY", StringComparison.Ordinal))
            {
                Assert.True(sw.Elapsed < TimeSpan.FromMinutes(3), "the guest printed no ready marker within 3 minutes");
                await Task.Delay(250, cancel);
            }

            sshd = await MenuSshd.StartAsync(sshDir, PanelProgram, prefix);
            // A key the panel does not know is refused by sshd itself.
            var stranger = Path.Combine(sshDir, "stranger_key");
            MenuSshd.Keygen(stranger);
            using (var refused = PtySession.Start(sshd.ClientCommand(stranger) + " true", new Dictionary<string, string>()))
            {
                await WaitForAsync(() => refused.Exited, refused, "ssh with an unknown key to give up");
                Assert.Contains("Permission denied (publickey)", refused.Output);
            }

            using var session = PtySession.Start(sshd.ClientCommand(annKey), new Dictionary<string, string>());
            await WaitForAsync(() => session.Output.Contains("menu> ", StringComparison.Ordinal), session, "the menu");
            Assert.Contains("Xeno management menu for ann (key SHA256:", session.Output);
            Assert.Matches(@"  1  annvm +ann +running +pv +128 MiB +1  hvc0", session.Output);
            Assert.DoesNotContain("bobvm", session.Output);

            // bob's VM cannot be had by number or name.
            session.Type("2\r");
            await WaitForAsync(() => session.Output.Contains("No VM \"2\" here; type a number from 1 to 1", StringComparison.Ordinal), session, "the refusal of number 2");
            session.Type("bobvm\r");
            await WaitForAsync(() => session.Output.Contains("No VM \"bobvm\" here;", StringComparison.Ordinal), session, "the refusal of bobvm");

            session.Type("1\r");
            await WaitForAsync(() => session.Output.Contains("annvm> ", StringComparison.Ordinal), session, "annvm's menu");
            Assert.Matches(@"annvm: running \(domain \d+\), up [0-9:]+; pv, 128 MiB, 1 vCPUs, console hvc0", session.Output);

            session.Type("c\r");
            await WaitForAsync(() => session.Output.Contains("Connected to annvm's console (hvc0), its recent output first.", StringComparison.Ordinal), session, "the console");
            // The history (xenod's WebSocket attach) shows where the guest is (its ready marker), then live input reaches its shell.
            await WaitForAsync(() => session.Output.Contains("XENO-GUEST-READY", StringComparison.Ordinal), session, "the console's history");
            session.Type("echo menu-$((6*7))-ok\r");
            await WaitForAsync(() => session.Output.Contains("menu-42-ok", StringComparison.Ordinal), session, "the guest's answer to a command typed on the console");
            session.Type("\x1d");
            await WaitForAsync(() => session.Output.Contains("Detached from annvm's console.", StringComparison.Ordinal), session, "the detach");
            await WaitForAsync(() => session.Output.EndsWith("annvm> ", StringComparison.Ordinal), session, "annvm's prompt after the console");

            // The boot-mode and CD entries, through the same services and audit as the info page.
            session.Type("insert rescue-cd.iso\r");
            await WaitForAsync(() => session.Output.Contains("CD: annvm runs as pv; only hvm guests have a CD drive.", StringComparison.Ordinal), session, "the CD insert's refusal for a pv guest");
            session.Type("boot rescue\r");
            await WaitForAsync(() => session.Output.Contains("annvm boots from the rescue system at its next power-on.", StringComparison.Ordinal), session, "rescue mode");
            session.Type("boot cd rescue-cd.iso\r");
            await WaitForAsync(() => session.Output.Contains("annvm boots from the CD image rescue-cd.iso at its next power-on.", StringComparison.Ordinal), session, "the CD boot mode");
            var boots = panel.App.Services.GetRequiredService<Xeno.Panel.Vms.VmBootService>();
            var annvm = records.VisibleTo(panel.Users.Find("ann")!).Single();
            Assert.Equal(new VmBoot(BootMode.Cd, image.Id), boots.Get(annvm));
            session.Type("boot normal\r");
            await WaitForAsync(() => session.Output.Contains("annvm boots from the normal (its disk) at its next power-on.", StringComparison.Ordinal), session, "the normal boot mode");
            Assert.Equal(VmBoot.Normal, boots.Get(annvm));

            session.Type("off\r");
            await WaitForAsync(() => session.Output.Contains("Type yes to confirm: ", StringComparison.Ordinal), session, "the force-off question");
            session.Type("yes\r");
            await WaitForAsync(() => session.Output.Contains("Forced annvm off.", StringComparison.Ordinal), session, "the force off");
            Assert.DoesNotContain(await xenod.ListDomainsAsync(cancel), d => d.Name == "annvm");

            // An autoinstall writing the disk (as the web panel records it) refuses power-on and delete.
            var installs = panel.App.Services.GetRequiredService<VmInstallRecords>();
            installs.Begin(annvm.Id, "install-9", annvm.OwnerId, "192.0.2.3", DateTimeOffset.UtcNow);
            session.Type("on\r");
            await WaitForAsync(() => session.Output.Contains("Power on: Debian is still being installed on annvm's disk; annvm starts by itself when the install is done", StringComparison.Ordinal), session, "the power-on's refusal during an install");
            session.Type("delete\r");
            await WaitForAsync(() => session.Output.Contains("Type its name, annvm, to confirm: ", StringComparison.Ordinal), session, "the delete's question");
            session.Type("annvm\r");
            await WaitForAsync(() => session.Output.Contains("Delete: Debian is still being installed on annvm's disk; wait until the install ends", StringComparison.Ordinal), session, "the delete's refusal during an install");
            installs.End(annvm.Id);
            Assert.DoesNotContain(await xenod.ListDomainsAsync(cancel), d => d.Name == "annvm");

            // Delete, as on the web: a wrong name is refused, the VM's name deletes it with its disk.
            session.Type("delete\r");
            await WaitForAsync(() => Occurrences.Of(session.Output, "Type its name, annvm, to confirm: ") == 2, session, "the second delete question");
            session.Type("annvm2\r");
            await WaitForAsync(() => session.Output.Contains("Delete: type the VM's name, annvm, to confirm.", StringComparison.Ordinal), session, "the wrong name's refusal");
            Assert.True(File.Exists(annvm.DiskPath));
            Assert.StartsWith(prefix + "/", annvm.DiskPath, StringComparison.Ordinal);
            session.Type("delete\r");
            await WaitForAsync(() => Occurrences.Of(session.Output, "Type its name, annvm, to confirm: ") == 3, session, "the third delete question");
            session.Type("annvm\r");
            await WaitForAsync(() => session.Output.Contains("Deleted annvm and its 1 disk.", StringComparison.Ordinal), session, "the delete");
            await WaitForAsync(() => session.Output.EndsWith("menu> ", StringComparison.Ordinal), session, "the list after the delete");
            Assert.Contains("You have no VMs yet", session.Output);
            Assert.Null(records.Get(annvm.Id));
            Assert.False(File.Exists(annvm.DiskPath));
            session.Type("q\r");
            await WaitForAsync(() => session.Exited, session, "ssh to end after q");

            // A session whose client goes away (no q) ends too: its menu process notices the hang-up and says so in the log.
            using (var dropped = PtySession.Start(sshd.ClientCommand(annKey), new Dictionary<string, string>()))
            {
                await WaitForAsync(() => dropped.Output.Contains("menu> ", StringComparison.Ordinal), dropped, "the second session's menu");
                Assert.Contains("You have no VMs yet", dropped.Output);
            }
            var waited = Stopwatch.StartNew();
            while (!panel.Audit.Read(user: "ann", action: "ssh.logout").Any(e => e.Detail is "hang-up" or "end of input"))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), "the menu of a dropped session did not end within a minute");
                await Task.Delay(100, cancel);
            }

            var audit = panel.Audit.Read(user: "ann");
            const string From = "ssh 127.0.0.1";
            Assert.Contains(audit, e => e.Action == "ssh.login" && e.Result == "ok" && e.Remote == From && e.Detail!.Contains("(ann@test)", StringComparison.Ordinal));
            Assert.Contains(audit, e => e.Action == "vm.console" && e.Detail == "attached to hvc0" && e.Remote == From);
            Assert.Contains(audit, e => e.Action == "vm.console" && e.Detail == "detached" && e.Remote == From);
            Assert.Contains(audit, e => e.Action == "vm.force-off" && e.Result == "ok" && e.Target == "annvm" && e.Remote == From);
            Assert.Contains(audit, e => e.Action == "vm.access" && e.Result == "refused" && e.Target == "bobvm" && e.Remote == From);
            Assert.Contains(audit, e => e.Action == "ssh.logout" && e.Detail == "quit");
            Assert.Contains(audit, e => e.Action == "vm.start" && e.Result == "refused" && e.Remote == From && e.Target == "annvm");
            Assert.Equal(["refused", "refused", "ok"], audit.Where(e => e.Action == "vm.delete").Select(e => e.Result).Reverse());
            Assert.All(audit.Where(e => e.Action == "vm.delete"), e => Assert.Equal((From, "annvm"), (e.Remote!, e.Target!)));
            Assert.Equal(3, audit.Count(e => e.Action == "vm.boot-mode" && e.Result == "ok" && e.Remote == From && e.Target == "annvm"));
            Assert.Contains(audit, e => e.Action == "vm.cd-insert" && e.Result == "refused" && e.Remote == From && e.Target == "annvm");
            Assert.DoesNotContain(panel.Audit.Read(), e => e.Target == "bobvm" && e.Action != "vm.access");
        }
        finally
        {
            sshd?.Dispose();
            foreach (var d in await host.Engine.ListAsync(CancellationToken.None))
            {
                try { await host.Engine.DestroyAsync(d.Domid.ToString(CultureInfo.InvariantCulture), CancellationToken.None); }
                catch (EngineException) { }
            }
            await host.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
        // Nothing of the SSH side is left: no sshd or menu process of this test, no command folder.
        Assert.False(Directory.Exists(sshd!.CommandDir));
        Assert.Empty(ProcessesMentioning(root));
        string proc = $"/proc/{sshd.Pid.ToString(CultureInfo.InvariantCulture)}";
        Assert.False(Directory.Exists(proc) && File.ReadAllText(proc + "/comm").Trim() == "sshd", "the test's sshd still runs");
    }

    /// <summary>Processes whose command line names <paramref name="text"/> (this test's folder: sshd, ssh, xeno-panel).</summary>
    private static List<string> ProcessesMentioning(string text) =>
        Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out int pid) && pid != Environment.ProcessId).Select(d =>
        {
            try { return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' '); }
            catch (IOException) { return ""; }
            catch (UnauthorizedAccessException) { return ""; }
        }).Where(c => c.Contains(text, StringComparison.Ordinal)).ToList();

    private static async Task WaitForAsync(Func<bool> condition, PtySession session, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(2))
                Assert.Fail($"waited 2 minutes for {what}; the terminal shows:\n{session.Output}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
