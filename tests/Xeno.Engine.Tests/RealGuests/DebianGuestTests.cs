using Xeno.Engine.Tests.Bootloader;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// The real Debian 12 image (scripts/debian-image/build) as two guests of one xenod, booted at
/// the same time from qcow2 overlays of the one cached disk: hvm (SeaBIOS, GRUB from the disk's
/// MBR, systemd, a getty on ttyS0) and pv (xeno-pygrub reads the guest's own grub.cfg, extra=
/// adds console=hvc0, a getty on hvc0). Each is logged into over its console, runs a command,
/// and is shut down by `xl shutdown`, which goes through the guest's qemu-guest-agent.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianGuestTests
{
    private static readonly TimeSpan XlWait = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TheImageBootsAsHvmAndPvToALoginPromptTakesALoginAndShutsDownThroughTheAgent()
    {
        var cancel = TestContext.Current.CancellationToken;
        var image = DebianImage.Get();
        // The agent's guest-sync answer can take seconds on a loaded TCG guest.
        await using var x = await Xenod.StartAsync(agentTimeout: TimeSpan.FromSeconds(60));
        var hvmDisk = BootImages.Qcow2Overlay(Path.Combine(x.Root, "hvm.qcow2"), image.Disk);
        var pvDisk = BootImages.Qcow2Overlay(Path.Combine(x.Root, "pv.qcow2"), image.Disk);
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.WriteConfig("deb-hvm.cfg",
            "name=\"deb-hvm\"\ntype=\"hvm\"\nmemory=512\nvnc=0\nboot=\"c\"\n" +
            $"disk=['format=qcow2,vdev=hda,access=rw,target={hvmDisk}']\n")));
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.WriteConfig("deb-pv.cfg",
            "name=\"deb-pv\"\ntype=\"pv\"\nmemory=512\nbootloader=\"pygrub\"\nextra=\"console=hvc0\"\n" +
            $"disk=['{pvDisk},qcow2,xvda,rw']\n")));

        var sessions = await Task.WhenAll(
            LogInAsync(x, "deb-hvm", "ttyS0", image),
            LogInAsync(x, "deb-pv", "hvc0", image));
        try
        {
            // pygrub took Debian's generated entry: the versioned kernel, root by UUID, extra= last.
            var xenodLog = File.ReadAllText(Path.Combine(x.Prefix, "var/log/xeno/xenod.log"));
            Assert.Matches(
                $"Domain 2: pygrub on {System.Text.RegularExpressions.Regex.Escape(pvDisk)}: entry 0 \"Debian GNU/Linux\" of /boot/grub/grub.cfg: " +
                $"kernel /boot/vmlinuz-{image.KernelVersion}, ramdisk /boot/initrd.img-{image.KernelVersion}, " +
                "args \"root=UUID=[0-9a-f-]{36} ro console=tty0 console=ttyS0,115200n8 quiet console=hvc0\"",
                xenodLog);

            // Both through the agent (qemu-ga runs `shutdown -h -P +0`, systemd powers off).
            var shutdowns = await Task.WhenAll(
                Task.Run(() => x.Xl("shutdown", "-w", "deb-hvm"), cancel).WaitAsync(XlWait, cancel),
                Task.Run(() => x.Xl("shutdown", "-w", "deb-pv"), cancel).WaitAsync(XlWait, cancel));
            // Xen's xl text; on_poweroff=destroy removes the domain at once, so -w may find it gone already.
            for (int domid = 1; domid <= 2; domid++)
            {
                var (exit, stdout, stderr) = shutdowns[domid - 1];
                Assert.Equal((0, ""), (exit, stdout));
                Assert.Matches($"^Shutting down domain {domid}\nWaiting for 1 domains\nDomain {domid} has been (shut down, reason code 0|destroyed)\n$", stderr);
            }
            await Xenod.WaitForAsync(() => !x.ListNames().Contains("deb-hvm") && !x.ListNames().Contains("deb-pv"),
                "both guests to power off and go away (on_poweroff=destroy)", 120);
        }
        finally
        {
            foreach (var s in sessions)
                s.Dispose();
        }
    }

    /// <summary>Logs in as the admin and runs one command whose output names the kernel and the terminal.</summary>
    private static async Task<ConsoleReader> LogInAsync(Xenod x, string name, string tty, DebianImage image)
    {
        var console = await DebianConsoleLogin.LogInAsync(x, name, tty, image);
        try
        {
            // $((6*7)) is only worked out by the shell: the echo of the typed line cannot match.
            await console.TypeAsync("echo \"ran-$((6*7)) $(tty) $(uname -r) $(id -un)\"\r");
            var expected = $"ran-42 /dev/{tty} {image.KernelVersion} {image.AdminUser}";
            await Xenod.WaitForAsync(() => console.Text.Contains(expected, StringComparison.Ordinal), $"'{expected}' on {name}'s console", 300);
            return console;
        }
        catch
        {
            console.Dispose();
            throw;
        }
    }
}
