using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// A guest without its agent (xeno.agent=off): xl's "PV control interface not available"
/// messages and exit status, and -F falling back to the ACPI reset and power button events.
/// The reset goes to on_reboot=rename-restart: the old domain stays, renamed, as in xl.
/// </summary>
public sealed class ScenarioNoAgentTests
{
    private static readonly TimeSpan XlWait = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task WithoutAnAgentXlRefusesAndFFallsBackToAcpi()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("na", agent: false, memory: 112,
            extra: "on_reboot=\"rename-restart\"\non_poweroff=\"destroy\"\n")).Exit);
        await x.WaitForMarkerAsync("na");
        // The init prints this line after the marker, in a separate write: wait for it, as the agent tests do.
        await Xenod.WaitForAsync(() => x.ConsoleLog("na").Contains("xeno-guest: guest agent off (xeno.agent=off)", StringComparison.Ordinal),
            "na's line saying its guest agent is off");

        // Exactly xl's text and exit status (ERROR_NOPARAVIRT is -10; xl exits 1).
        Assert.Equal((1, "", "Shutting down domain 1\n" +
                             "PV control interface not available: external graceful shutdown not possible.\n" +
                             "Use \"-F\" to fallback to ACPI power event.\n" +
                             "shutdown failed (rc=-10)\n"), x.Xl("shutdown", "na"));
        Assert.Equal((1, "", "Rebooting domain 1\n" +
                             "PV control interface not available: external graceful reboot not possible.\n" +
                             "Use \"-F\" to fallback to ACPI reset event.\n" +
                             "reboot failed (rc=-10)\n"), x.Xl("reboot", "-w", "na"));
        // Nothing happened to the guest.
        Xenod.AssertRow(@"^na +1 +112 +1 +[r-][b-]---- ", x.ListRow("na"));

        // reboot -F: the ACPI reset; on_reboot=rename-restart keeps domain 1 as na-<time>.
        var before = DateTime.UtcNow;
        var reset = await Task.Run(() => x.Xl("reboot", "-F", "-w", "na"), cancel).WaitAsync(XlWait, cancel);
        Assert.Equal((0, "", "Rebooting domain 1\nPV control interface not available: sending ACPI reset button event.\n" +
                             "Waiting for 1 domains\nDomain 1 has been shut down, reason code 1\n"), reset);
        var renamed = await ScenarioAgentTests.KeptNameAsync(x, "1", "na");
        ScenarioAgentTests.AssertPreservedName("na", renamed, before, DateTime.UtcNow);
        // Shut down ('s') for reboot ('r', the reason letter), kept under its new name.
        Xenod.AssertRow($"^{Regex.Escape(renamed)} +1 +112 +1 +---sr- ", x.ListRow(renamed));
        await Xenod.WaitForAsync(() => x.Domid("na") == 2, "a new na as domain 2", 300);
        await Xenod.WaitForAsync(() => x.MarkerCount("na") == 2, "the new na's marker", 300);
        var dmesg = x.Xl("dmesg").Out;
        Assert.Contains("Domain 1: ACPI reset event sent", dmesg, StringComparison.Ordinal);
        Assert.Contains("Action for shutdown reason code 1 is rename-restart", dmesg, StringComparison.Ordinal);

        // shutdown -F: the power button; the kit's init powers off, on_poweroff=destroy.
        var power = await Task.Run(() => x.Xl("shutdown", "-F", "-w", "-w", "na"), cancel).WaitAsync(XlWait, cancel);
        Assert.Equal((0, "", "Shutting down domain 2\nPV control interface not available: sending ACPI power button event.\n" +
                             "Waiting for 1 domains\nDomain 2 has been destroyed\n"), power);
        Assert.Equal(1, x.ConsoleCount("na", "xeno-guest: power button pressed"));

        Assert.Equal((0, "", ""), x.Xl("destroy", renamed));
        Assert.Equal(["Domain-0"], x.ListNames());
    }
}
