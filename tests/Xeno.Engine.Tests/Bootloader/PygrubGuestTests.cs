using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader;

/// <summary>
/// Real TCG guests booted by xenod through bootloader="pygrub": the kernel, initrd and command
/// line come from the grub.cfg inside each guest's disk (raw or a qcow2 overlay; examples/pygrub.cfg), bootloader_args
/// choose the entry, and a restart reads the disk again.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PygrubGuestTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private string Image(string name, int defaultEntry = 0) =>
        BootImages.Ext4(Path.Combine(_x.Root, name), BootImages.KitGrubCfg(defaultEntry), _x.Kit);

    private string Config(string name, string disk, string more = "") =>
        _x.WriteConfig(name + ".cfg", $"name=\"{name}\"\ntype=\"pv\"\nmemory=128\nbootloader=\"pygrub\"\ndisk=['{disk}']\n{more}");

    /// <summary>TCG boots on a shared 2-core machine can be very slow: wait minutes, never assert speed.</summary>
    private const int Patience = 600;

    private Task Marker(string name) =>
        Xenod.WaitForAsync(() => _x.ConsoleLog(name).Contains("XENO-GUEST-READY", StringComparison.Ordinal), $"the ready marker of {name}", Patience);

    private string Log => File.ReadAllText(Path.Combine(_x.Prefix, "var/log/xeno/xenod.log"));

    [Fact]
    public async Task GuestsBootTheEntryPygrubChoosesFromRawAndQcow2Disks()
    {
        // The example config, on a copy of the kit's own PV disk (raw).
        var raw = Path.Combine(_x.Root, "pv-disk.img");
        File.Copy(_x.Kit.PvDisk, raw);
        var example = Path.Combine(GuestKit.RepoRoot(), "examples", "pygrub.cfg");
        Assert.Equal((0, "", ""), _x.Xl("create", "-q", example, $"disk=['{raw},raw,xvda,ro']", "memory=128", "extra=\"xeno.action=shell\""));
        var overlay = BootImages.Qcow2Overlay(Path.Combine(_x.Root, "over.qcow2"), Image("base.img"));
        Assert.Equal((0, "", ""), _x.Xl("create", "-q", Config("pg-qcow", $"{overlay},qcow2,xvda,rw")));
        // The second entry powers the guest off at once; on_poweroff=destroy then removes it.
        var entry1 = Image("entry1.img");
        Assert.Equal((0, "", ""), _x.Xl("create", "-q", Config("pg-entry", $"{entry1},raw,xvda,ro", "bootloader_args=['--entry=1']\n")));
        // pvh: the extracted bzImage goes on through the PVH kernel cache.
        var pvh = Image("pvh.img");
        Assert.Equal((0, "", ""), _x.Xl("create", "-q", _x.WriteConfig("pg-pvh.cfg",
            $"name=\"pg-pvh\"\ntype=\"pvh\"\nmemory=128\nbootloader=\"pygrub\"\ndisk=['{pvh},raw,xvda,ro']\n")));

        // The kernel and initrd were copied into the domain's run folder, owner-only.
        var kernel = Path.Combine(_x.Prefix, "run/xeno/d1/boot/kernel");
        Assert.Equal(File.ReadAllBytes(_x.Kit.Vmlinuz), File.ReadAllBytes(kernel));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kernel));
        Assert.Equal(File.ReadAllBytes(_x.Kit.Initrd), File.ReadAllBytes(Path.Combine(_x.Prefix, "run/xeno/d1/boot/ramdisk")));

        await Marker("pv-pygrub");
        await Marker("pg-qcow");
        await Marker("pg-entry");
        await Marker("pg-pvh");
        await Xenod.WaitForAsync(() => !_x.ListNames().Contains("pg-entry"), "pg-entry (entry 1) to power off and go away", Patience);
        Assert.Matches(new Regex(@"\npv-pygrub +1 +128 +1 "), _x.Xl("list").Out);
        Assert.Contains("pg-qcow", _x.ListNames());
        Assert.Contains("pg-pvh", _x.ListNames());

        // The command lines: the entry's, then extra= (libxl passes it as pygrub's --args).
        Assert.Contains($"Domain 1: pygrub on {raw}: entry 0 \"Xeno test guest\" of /boot/grub/grub.cfg: kernel /boot/vmlinuz, ramdisk /boot/initrd.img, args \"console=hvc0 xeno.action=shell\"", Log, StringComparison.Ordinal);
        Assert.Contains($"Domain 2: pygrub on {overlay}: entry 0 \"Xeno test guest\" of /boot/grub/grub.cfg: kernel /boot/vmlinuz, ramdisk /boot/initrd.img, args \"console=hvc0\"", Log, StringComparison.Ordinal);
        Assert.Contains($"Domain 3: pygrub on {entry1}: entry 1 \"Xeno test guest (power off at once)\" of /boot/grub/grub.cfg: kernel /boot/vmlinuz, ramdisk /boot/initrd.img, args \"console=hvc0 xeno.action=poweroff\"", Log, StringComparison.Ordinal);
        // Fast PV boot from the guest's own disk: the extracted bzImage goes through the kernel
        // cache (keyed by content, so the same kernel from two disks is one cached ELF).
        var cached = Directory.GetFiles(Path.Combine(_x.Prefix, "var/lib/xeno/kernels"), "*.elf");
        Assert.Single(cached);
        Assert.Contains($"domain pv-pygrub (1): pv kernel {_x.Prefix}/run/xeno/d1/boot/kernel boots through its PVH entry from {cached[0]}:", Log, StringComparison.Ordinal);
        Assert.Contains($"domain pg-qcow (2): pv kernel {_x.Prefix}/run/xeno/d2/boot/kernel boots through its PVH entry from {cached[0]}:", Log, StringComparison.Ordinal);
        // The domain keeps its config: bootloader= is still what xl list -l shows.
        Assert.Contains("\"bootloader\": \"pygrub\"", _x.Xl("list", "-l", "pv-pygrub").Out, StringComparison.Ordinal);
        // Destroy removes the copies with the run folder.
        Assert.Equal((0, "", ""), _x.Xl("destroy", "pv-pygrub"));
        Assert.False(Directory.Exists(Path.Combine(_x.Prefix, "run/xeno/d1")));
    }

    [Fact]
    public async Task ARestartRunsPygrubAgainAndBootsWhatTheGuestNowSays()
    {
        var image = Image("guest.img");
        Assert.Equal((0, "", ""), _x.Xl("create", "-q", Config("pg-again", $"{image},raw,xvda,ro", "on_reboot=\"restart\"\n")));
        await Marker("pg-again");

        // "The guest updates grub": its disk now defaults to the entry that powers off.
        var updated = BootImages.Ext4(image + ".new", BootImages.KitGrubCfg(defaultEntry: 1), _x.Kit);
        File.Move(updated, image, overwrite: true);

        var reboot = _x.Xl("reboot", "-F", "pg-again");
        Assert.Equal(0, reboot.Exit);
        await Xenod.WaitForAsync(() => Log.Contains("Domain 2: pygrub on", StringComparison.Ordinal), "the restart to run pygrub again", Patience);
        Assert.Contains($"Domain 2: pygrub on {image}: entry 1 ", Log, StringComparison.Ordinal);
        await Xenod.WaitForAsync(() => !_x.ListNames().Contains("pg-again"), "the restarted guest to boot entry 1, power off and go away", Patience);
        Assert.True(File.Exists(Path.Combine(_x.Prefix, "var/log/xeno/bootloader.2.log")));
    }
}
