using System.Diagnostics;
using Xeno.Qemu.Machine;
using static Xeno.Qemu.Tests.Boots.TestGuest;

namespace Xeno.Qemu.Tests.Boots;

/// <summary>Real HVM guests: SeaBIOS boots the kit's disk (syslinux in the MBR) or ISO (isolinux).</summary>
public class HvmBootTests
{
    private static MachineSpec Hvm(RuntimeFiles files, IReadOnlyList<DiskSpec> disks, params BootDevice[] order) => new()
    {
        Name = "hvm-test",
        Kind = GuestKind.Hvm,
        MemoryMiB = 256,
        Disks = disks,
        BootOrder = order,
        Files = files,
    };

    [Fact]
    public async Task HvmBootsFromAQcow2DiskOnAhciAndObeysTheAcpiPowerButton()
    {
        var token = TestContext.Current.CancellationToken;
        var kit = await GuestKit.GetAsync();
        await using var guest = await StartAsync((files, dir) =>
        {
            // A qcow2 overlay keeps the cached kit image untouched.
            string overlay = dir.File("hvm.qcow2");
            QemuImg("create", "-q", "-f", "qcow2", "-F", "raw", "-b", kit.HvmDisk, overlay);
            return Hvm(files, [new DiskSpec(overlay, DiskFormat.Qcow2, DiskBus.Ahci)], BootDevice.Cdrom, BootDevice.Disk);
        });
        await using var console = await GuestConsole.ConnectAsync(guest.Files.ConsoleSocket, token);
        await console.WaitForAsync(Prompt, BootTimeout);
        Assert.Contains("console=ttyS0", console.Text, StringComparison.Ordinal); // the kernel booted by syslinux
        Assert.Contains(Marker, guest.ConsoleLog, StringComparison.Ordinal);

        // xl shutdown -F without a guest agent: the ACPI power button; the guest decides.
        await guest.Qmp.SystemPowerdownAsync(token);
        await guest.WaitForEventAsync("POWERDOWN", TimeSpan.FromSeconds(30));
        var shutdown = await guest.WaitForEventAsync("SHUTDOWN");
        Assert.Equal("guest-shutdown", shutdown.Reason);
        Assert.Contains("xeno-guest: power button pressed", guest.ConsoleLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HvmBootsFromTheIsoOnAnIdeCdromAndQuits()
    {
        var token = TestContext.Current.CancellationToken;
        var kit = await GuestKit.GetAsync();
        await using var guest = await StartAsync((files, _) => Hvm(files,
            [new DiskSpec(kit.BootIso, Bus: DiskBus.Ide, Media: DiskMedia.Cdrom, Unit: 2)], BootDevice.Disk, BootDevice.Cdrom));
        await guest.WaitForLogAsync(Marker, BootTimeout);
        Assert.Contains("ISOLINUX", guest.ConsoleLog, StringComparison.Ordinal);

        await guest.Qmp.QuitAsync(token);
        var shutdown = await guest.WaitForEventAsync("SHUTDOWN", TimeSpan.FromSeconds(30));
        Assert.Equal("host-qmp-quit", shutdown.Reason);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await guest.Process.WaitForExitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, cts.Token);
    }

    private static void QemuImg(params string[] args)
    {
        var info = new ProcessStartInfo("qemu-img") { RedirectStandardError = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot run qemu-img (Debian package qemu-utils)");
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"qemu-img {string.Join(' ', args)} failed: {errors}");
    }
}
