using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// Guests that power off, reboot and crash by themselves (the kit's xeno.action=), each with an
/// on_* action: QMP SHUTDOWN / GUEST_PANICKED (pvpanic) drive the state machine. Four guests boot
/// side by side to keep the run short.
/// </summary>
public sealed class GuestLifecycleTests
{
    [Fact]
    public async Task OnActionsFollowGuestPoweroffRebootAndCrash()
    {
        await using var x = await Xenod.StartAsync();
        var configs = new[]
        {
            x.PvConfig("lc-off", "poweroff", "on_poweroff=\"destroy\"\n"),
            x.PvConfig("lc-crash", "crash", "on_crash=\"preserve\"\n"),
            x.PvConfig("lc-reboot", "reboot", "on_reboot=\"restart\"\n"),
            x.PvConfig("lc-dump", "crash", "on_crash=\"coredump-destroy\"\n", memory: 112),
            // pvh from the bzImage: its payload is unpacked once, cached, and entered through PVH.
            x.WriteConfig("lc-pvh.cfg", $"name=\"lc-pvh\"\ntype=\"pvh\"\nmemory=128\nkernel=\"{x.Kit.Vmlinuz}\"\n" +
                $"ramdisk=\"{x.Kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=poweroff\"\non_poweroff=\"destroy\"\n"),
        };
        foreach (var cfg in configs)
            Assert.Equal(0, x.Xl("create", "-q", cfg).Exit);
        string Row(string name) => x.Xl("list").Out.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) ?? "";

        // reboot + restart: the same name comes back under a new domid (Xen allocates a fresh one).
        await Xenod.WaitForAsync(() => Regex.IsMatch(Row("lc-reboot"), @"^lc-reboot +([5-9]|\d\d) "), "lc-reboot to restart with a new domid");
        // crash + preserve: kept, shown as shut down with reason crash.
        await Xenod.WaitForAsync(() => Row("lc-crash").Contains("     ---sc-  ", StringComparison.Ordinal), "lc-crash to show ---sc-");
        Assert.Contains("3", x.Xl("list", "-v", "lc-crash").Out.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^2], StringComparison.Ordinal);
        // poweroff + destroy, crash + coredump-destroy: gone; the dump is written first.
        await Xenod.WaitForAsync(() => Row("lc-off").Length == 0 && Row("lc-dump").Length == 0 && Row("lc-pvh").Length == 0,
            "lc-off, lc-pvh and lc-dump to be destroyed");
        Assert.Contains("XENO-GUEST-READY", x.ConsoleLog("lc-pvh"), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(x.Prefix, "var/lib/xeno/kernels"), "*.elf"));
        var dump = Path.Combine(x.Prefix, "var/lib/xeno/dump/lc-dump");
        Assert.True(File.Exists(dump), $"no core dump at {dump}");
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(dump)[..4]);

        var log = x.Xl("dmesg").Out;
        Assert.Contains("has shut down, reason code 1 0x1", log, StringComparison.Ordinal);
        Assert.Contains("Action for shutdown reason code 3 is preserve", log, StringComparison.Ordinal);
        Assert.Contains("Action for shutdown reason code 0 is destroy", log, StringComparison.Ordinal);
        Assert.Contains("Done. Rebooting now", log, StringComparison.Ordinal);

        Assert.Equal((0, "", ""), x.Xl("destroy", "lc-crash"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "lc-reboot"));
        Assert.Equal(["Domain-0"], x.ListNames());
    }
}
