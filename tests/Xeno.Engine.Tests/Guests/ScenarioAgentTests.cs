using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// The PV control interface with a real agent: the kit's guests run Debian's qemu-ga on the
/// org.qemu.guest_agent.0 port, so `xl shutdown` / `xl reboot` reach the guest's own
/// shutdown path (qemu-ga runs /sbin/shutdown), and the on_* actions follow as in Xen.
/// </summary>
public sealed class ScenarioAgentTests
{
    private static readonly TimeSpan XlWait = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ShutdownAndRebootGoThroughTheGuestAgent()
    {
        var cancel = TestContext.Current.CancellationToken;
        // The agent answers guest-sync within milliseconds, but the machine is loaded and TCG slow.
        await using var x = await Xenod.StartAsync(agentTimeout: TimeSpan.FromSeconds(60));
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("ag-off", agent: true, memory: 112,
            extra: "on_poweroff=\"rename-restart\"\n")).Exit);
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("ag-reboot", agent: true, memory: 112,
            extra: "on_reboot=\"restart\"\non_poweroff=\"destroy\"\n")).Exit);
        Assert.Equal(1, x.Domid("ag-off"));
        Assert.Equal(2, x.Domid("ag-reboot"));
        foreach (var name in new[] { "ag-off", "ag-reboot" })
        {
            await x.WaitForMarkerAsync(name);
            await Xenod.WaitForAsync(() => x.ConsoleLog(name).Contains("xeno-guest: guest agent on /dev/vport", StringComparison.Ordinal),
                $"the guest agent of {name} to start");
        }

        // xl reboot -w through the agent: qemu-ga runs `shutdown -h -r +0 ...`, the guest resets,
        // on_reboot=restart brings the name back under a new domid and the guest boots again.
        var reboot = await Task.Run(() => x.Xl("reboot", "-w", "ag-reboot"), cancel).WaitAsync(XlWait, cancel);
        Assert.Equal(0, reboot.Exit);
        // Xen's xl sees the shutdown (reason 1) before the restart; xenod restarts at once, so
        // -w may see the old domid already gone.
        Assert.Matches(new Regex("^Rebooting domain 2\nWaiting for 1 domains\n" +
                                 "Domain 2 has been (shut down, reason code 1|destroyed)\n$"), reboot.Err);
        await Xenod.WaitForAsync(() => x.Domid("ag-reboot") == 3, "ag-reboot to come back as domain 3", 300);
        await Xenod.WaitForAsync(() => x.MarkerCount("ag-reboot") == 2, "ag-reboot's marker after the restart", 300);
        Assert.Equal(1, x.ConsoleCount("ag-reboot", "xeno-guest: shutdown -h -r +0 hypervisor initiated shutdown -> reboot -f"));

        // xl shutdown -w through the agent: poweroff, then on_poweroff=rename-restart keeps the
        // old domain as <name>-<UTC time>, shut down, and starts a new one with the name.
        var before = DateTime.UtcNow;
        var shutdown = await Task.Run(() => x.Xl("shutdown", "-w", "ag-off"), cancel).WaitAsync(XlWait, cancel);
        Assert.Equal((0, "", "Shutting down domain 1\nWaiting for 1 domains\nDomain 1 has been shut down, reason code 0\n"), shutdown);
        Assert.Equal(1, x.ConsoleCount("ag-off", "xeno-guest: shutdown -h -P +0 hypervisor initiated shutdown -> poweroff -f"));
        var renamed = await KeptNameAsync(x, "1", "ag-off");
        AssertPreservedName("ag-off", renamed, before, DateTime.UtcNow);
        Xenod.AssertRow($"^{Regex.Escape(renamed)} +1 +112 +1 +---s-- ", x.ListRow(renamed));
        await Xenod.WaitForAsync(() => x.Domid("ag-off") == 4, "a new ag-off as domain 4", 300);
        await Xenod.WaitForAsync(() => x.MarkerCount("ag-off") == 2, "the new ag-off's marker", 300);
        Assert.Equal((0, renamed + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/name"));
        // As libxl_domain_preserve: the kept domain gets a new UUID, the new one keeps the config's,
        // so each has its own /vm/<uuid> (destroying one must not take the other's).
        var keptVm = XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/vm").Out.Trim();
        var newVm = XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/4/vm").Out.Trim();
        Assert.NotEqual(keptVm, newVm);
        Assert.Equal((0, renamed + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", keptVm + "/name"));
        Assert.Equal((0, "ag-off\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", newVm + "/name"));

        // -w -w waits for the death: on_poweroff=destroy removes the domain.
        await Xenod.WaitForAsync(() => x.ConsoleCount("ag-reboot", "guest agent on /dev/vport") == 2,
            "the guest agent of the restarted ag-reboot", 300);
        var death = await Task.Run(() => x.Xl("shutdown", "-w", "-w", "ag-reboot"), cancel).WaitAsync(XlWait, cancel);
        Assert.Equal((0, "", "Shutting down domain 3\nWaiting for 1 domains\nDomain 3 has been destroyed\n"), death);

        var log = x.Xl("dmesg").Out;
        Assert.Contains("Domain 2: reboot requested through the guest agent", log, StringComparison.Ordinal);
        Assert.Contains("Domain 1: shutdown requested through the guest agent", log, StringComparison.Ordinal);
        Assert.Contains("Action for shutdown reason code 0 is rename-restart", log, StringComparison.Ordinal);

        Assert.Equal((0, "", ""), x.Xl("destroy", renamed));
        Assert.Equal((0, "ag-off\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", newVm + "/name"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "ag-off"));
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    /// <summary>
    /// The name domain <paramref name="domid"/> is kept under once its rename-restart action ran.
    /// As with Xen's xl (whose monitor renames after it saw the shutdown), `xl shutdown -w`
    /// returns when the domain is shut down, which can be just before the rename.
    /// </summary>
    internal static async Task<string> KeptNameAsync(Xenod x, string domid, string name)
    {
        string current = name;
        await Xenod.WaitForAsync(() => (current = x.Xl("domname", domid).Out.Trim()) != name, $"domain {domid} renamed from {name}", 60);
        return current;
    }

    /// <summary>xl's preserve_domain: the name plus "-%Y%m%dT%H%MZ" of the UTC time of the shutdown.</summary>
    internal static void AssertPreservedName(string name, string preserved, DateTime from, DateTime to)
    {
        var m = Regex.Match(preserved, $"^{Regex.Escape(name)}-(\\d{{8}}T\\d{{4}})Z$");
        Assert.True(m.Success, $"'{preserved}' is not {name}-YYYYMMDDTHHMMZ");
        var at = DateTime.ParseExact(m.Groups[1].Value, "yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(at, from.AddSeconds(-from.Second - 1), to);
    }
}
