using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;
using static Xeno.Qemu.Tests.Boots.TestGuest;

namespace Xeno.Qemu.Tests.Boots;

/// <summary>Real PV/PVH guests (the kit's Debian kernel + busybox initramfs) under TCG.</summary>
public class PvBootTests
{
    private static MachineSpec Pv(GuestKit kit, RuntimeFiles files, string action, GuestKind kind = GuestKind.Pv) => new()
    {
        Name = "pv-test",
        Kind = kind,
        MemoryMiB = 256,
        DirectBoot = new DirectBoot(kind == GuestKind.Pvh ? kit.Vmlinux : kit.Vmlinuz, kit.Initrd,
            $"console=hvc0 xeno.action={action}"),
        Disks = [new DiskSpec(kit.PvDisk, ReadOnly: true)],
        Files = files,
    };

    [Fact]
    public async Task PvGuestPrintsTheMarkerAndItsPowerOffBecomesAShutdownEvent()
    {
        var kit = await GuestKit.GetAsync();
        await using var guest = await StartAsync((files, _) => Pv(kit, files, "poweroff"));

        // QEMU runs in a session of its own: a kill of the toolstack's process group spares it.
        Assert.NotEqual(ProcFs.Host.Stat(Environment.ProcessId)!.SessionId, ProcFs.Host.Stat(guest.Process.Pid)!.SessionId);

        var shutdown = await guest.WaitForEventAsync("SHUTDOWN");
        Assert.Equal("guest-shutdown", shutdown.Reason);
        Assert.True(shutdown.Guest);
        // Nobody was attached to the console: the log still has everything (hvc0 via virtconsole).
        Assert.Contains(Marker, guest.ConsoleLog, StringComparison.Ordinal);

        // -action shutdown=pause: QEMU waits for the toolstack's decision.
        var status = await guest.Qmp.QueryStatusAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new QmpStatus("shutdown", false), status);
        Assert.True(guest.Process.IsRunning());

        await guest.Qmp.QuitAsync(TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await guest.Process.WaitForExitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, cts.Token);
        Assert.False(guest.Process.IsRunning());
        Assert.Null(await guest.Qmp.Closed);
    }

    [Fact]
    public async Task PvGuestLifecyclePauseAdoptRebootRestartCrash()
    {
        var token = TestContext.Current.CancellationToken;
        var kit = await GuestKit.GetAsync();
        await using var guest = await StartAsync((files, _) => Pv(kit, files, "shell"));
        await using var console = await GuestConsole.ConnectAsync(guest.Files.ConsoleSocket, token);
        await console.WaitForAsync(Prompt, BootTimeout);
        Assert.Contains(Marker, console.Text, StringComparison.Ordinal);

        // stop/cont
        await guest.Qmp.StopAsync(token);
        await guest.WaitForEventAsync("STOP");
        Assert.Equal("paused", (await guest.Qmp.QueryStatusAsync(token)).Status);
        await guest.Qmp.ContinueAsync(token);
        await guest.WaitForEventAsync("RESUME");
        Assert.True((await guest.Qmp.QueryStatusAsync(token)).Running);

        // vCPU time comes from the vCPU threads QMP names.
        var cpus = await guest.Qmp.QueryCpusFastAsync(token);
        Assert.Single(cpus);
        Assert.True(await guest.Process.VcpuTimeAsync(guest.Qmp, token) > TimeSpan.FromMilliseconds(100));

        // A restarted toolstack finds the guest again through its pid file and QMP socket.
        int pid = guest.Process.Pid;
        await guest.ReadoptAsync();
        Assert.Equal(pid, guest.Process.Pid);
        Assert.True((await guest.Qmp.QueryStatusAsync(token)).Running);

        // reboot inside the guest: -action reboot=shutdown turns it into SHUTDOWN guest-reset.
        await console.TypeAsync("reboot -f");
        var reboot = await guest.WaitForEventAsync("SHUTDOWN");
        Assert.Equal("guest-reset", reboot.Reason);
        Assert.Equal("shutdown", (await guest.Qmp.QueryStatusAsync(token)).Status);

        // The toolstack's on_reboot=restart: like Xen, a fresh machine (a new QEMU on the same
        // runtime files), not a reset in place: SeaBIOS answers a warm reset with a hard reset
        // of its own, which reboot=shutdown would turn into another SHUTDOWN.
        await guest.RelaunchAsync();
        await using var console2 = await GuestConsole.ConnectAsync(guest.Files.ConsoleSocket, token);
        await console2.WaitForAsync(Prompt, BootTimeout);
        Assert.Equal(2, GuestConsole.Count(guest.ConsoleLog, Marker)); // the log is appended, not replaced

        // crash inside the guest: the pvpanic device reports it, QEMU pauses the guest.
        await console2.TypeAsync("echo c > /proc/sysrq-trigger");
        var panic = await guest.WaitForEventAsync("GUEST_PANICKED");
        Assert.Equal("pause", panic.Action);
        Assert.Equal("guest-panicked", (await guest.Qmp.QueryStatusAsync(token)).Status);
        Assert.Contains("sysrq triggered crash", guest.ConsoleLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PvhGuestBootsTheElfKernelThroughThePvhEntryAndReportsItsCrash()
    {
        var kit = await GuestKit.GetAsync();
        await using var guest = await StartAsync((files, _) => Pv(kit, files, "crash", GuestKind.Pvh) with { Disks = [] });
        var panic = await guest.WaitForEventAsync("GUEST_PANICKED");
        Assert.Equal("pause", panic.Action);
        Assert.Contains(Marker, guest.ConsoleLog, StringComparison.Ordinal);
        // The PVH entry skips the bzImage decompressor entirely.
        Assert.DoesNotContain("Decompressing Linux", guest.ConsoleLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDiskImageFailsTheStartWithQemusMessage()
    {
        var kit = await GuestKit.GetAsync();
        using var dir = new TempDir();
        var files = FilesIn(dir);
        var spec = Pv(kit, files, "poweroff") with { Disks = [new DiskSpec(dir.File("missing.img"))] };
        var error = await Assert.ThrowsAsync<QemuStartException>(
            () => new QemuLauncher().StartAsync(QemuCommandLine.Build(spec), files, TestContext.Current.CancellationToken));
        Assert.Contains("missing.img", error.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("qemu-system-x86_64 exited with status 1: ", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(files.PidFile));
    }
}
