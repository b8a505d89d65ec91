using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xeno.Api.Client;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Tests.Support;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Guests;

/// <summary>
/// The panel against a real xenod (in process, on a temporary prefix) and a real guest from
/// the guest kit: an owner creates a PV VM in the browser's way, xenod runs it, it boots, the
/// list shows it running, force off removes it. One guest boot.
/// </summary>
public sealed class PanelGuestTests
{
    [Fact]
    public async Task AVmCreatedInThePanelRunsInXenod()
    {
        var kit = GuestKit.Get();
        // A short root: xenod's unix sockets live under the prefix.
        var root = Directory.CreateTempSubdirectory("xp-").FullName;
        var prefix = Path.Combine(root, "p");
        Directory.CreateDirectory(prefix);
        var host = await EngineHost.StartAsync(prefix, options: new EngineOptions { AgentTimeout = TimeSpan.FromMilliseconds(500) }, cancel: TestContext.Current.CancellationToken);
        try
        {
            await using var panel = await PanelServer.StartAsync(o => o with
            {
                Kernels = [new() { Name = "kit", Kernel = kit.Vmlinuz, Ramdisk = kit.Initrd, Extra = "console=hvc0 xeno.action=shell xeno.agent=off" }],
            }, prefix);
            panel.AddUser("ann");
            using var ann = await panel.LoggedInAsync("ann");

            var create = await ann.PostAsync("/Vms/Create", ("name", "panelvm"), ("type", "pv"), ("memory", "128"), ("vcpus", "1"), ("disk", "1"), ("kernel", "kit"));
            Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
            var infoPath = create.Headers.Location!.OriginalString;
            var info = await ann.TextAsync(infoPath);
            Assert.Contains("Created panelvm and started it.", info);

            using var xenod = new XenodClient(Path.Combine(prefix, "run/xeno/xenod.sock"), prefix);
            var domain = await xenod.GetDomainAsync("panelvm", TestContext.Current.CancellationToken);
            Assert.Equal(128, domain.MemoryMib);
            Assert.Equal(1, domain.Vcpus);
            Assert.Equal(Path.Combine(panel.Options.DiskDir, "panelvm.img"), domain.Config.GetProperty("disks")[0].GetProperty("target").GetString());

            // The guest really boots: its ready marker arrives on the console xenod keeps.
            var sw = Stopwatch.StartNew();
            while (!(await xenod.GetConsoleOutputAsync("panelvm", TestContext.Current.CancellationToken)).Output.Contains("XENO-GUEST-READY", StringComparison.Ordinal))
            {
                Assert.True(sw.Elapsed < TimeSpan.FromMinutes(3), "the panel's guest printed no ready marker within 3 minutes");
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }

            // Metrics of the same guest (no boot of their own): per-domain series, the CPU counter growing.
            await MetricsGuestChecks.DomainSeriesAppearAndCpuGrowsAsync(panel, xenod, "panelvm", domain.Domid, 128);

            var list = await ann.TextAsync("/");
            Assert.Contains(">panelvm</a>", list);
            Assert.Contains("<td>running</td>", list);
            Assert.Contains($"<tr><th>Domain id</th><td>{domain.Domid.ToString(CultureInfo.InvariantCulture)}</td></tr>", await ann.TextAsync(infoPath));

            var off = await ann.PostAsync(infoPath, [new("action", "force-off")], infoPath);
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
            Assert.Contains("Forced panelvm off.", await off.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.DoesNotContain(await xenod.ListDomainsAsync(TestContext.Current.CancellationToken), d => d.Name == "panelvm");
            // Off is off: a second force off says so instead of failing loudly.
            var again = await ann.PostAsync(infoPath, [new("action", "force-off")], infoPath);
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("panelvm is not running.", await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

            var audit = panel.Audit.Read(user: "ann");
            Assert.Contains(audit, e => e.Action == "vm.create" && e.Result == "ok" && e.Target == "panelvm");
            Assert.Contains(audit, e => e.Action == "vm.start" && e.Result == "ok" && e.Detail!.StartsWith("Started panelvm (domain ", StringComparison.Ordinal));
            Assert.Contains(audit, e => e.Action == "vm.force-off" && e.Result == "ok");
            Assert.Contains(audit, e => e.Action == "vm.force-off" && e.Result == "failed");
        }
        finally
        {
            // Cleanup runs even when the test was cancelled.
            foreach (var d in await host.Engine.ListAsync(CancellationToken.None))
            {
                try { await host.Engine.DestroyAsync(d.Domid.ToString(CultureInfo.InvariantCulture), CancellationToken.None); }
                catch (EngineException) { }
            }
            await host.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
