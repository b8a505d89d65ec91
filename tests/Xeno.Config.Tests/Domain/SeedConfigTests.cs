using Xeno.Config.Domain;
using static Xeno.Config.Tests.Domain.DomainTestSupport;

namespace Xeno.Config.Tests.Domain;

/// <summary>The two configs from the seed documents parse to what a Xen admin expects.</summary>
public class SeedConfigTests
{
    [Fact]
    public void LinuxPvGuest()
    {
        var result = Build(SeedConfigs.Linux);
        Assert.True(result.Ok, Stderr(result));
        Assert.Equal("", Stderr(result));
        var d = result.Spec!;
        Assert.Equal("linux", d.Name);
        Assert.Equal(DomainKind.Pv, d.Kind);
        Assert.Equal(256, d.MemoryMiB);
        Assert.Equal(256, d.MaxMemMiB);
        Assert.Equal(2, d.Vcpus);
        Assert.Equal(2, d.MaxVcpus);
        Assert.Equal("/mnt/xen/linux/vmlinux", d.Kernel);
        Assert.Equal("root=/dev/xvda1 console=hvc0 init=/sbin/init rootfstype=ext4 rootflags=nobarrier", d.Cmdline);
        Assert.Equal(ShutdownAction.Destroy, d.OnPoweroff);
        Assert.Equal(ShutdownAction.Restart, d.OnReboot);
        Assert.Equal(ShutdownAction.Restart, d.OnCrash);
        Assert.Null(d.Hvm);
        Assert.False(d.Vnc.Enabled);

        var disk = Assert.Single(d.Disks);
        Assert.Equal("/dev/vg01/linux0", disk.Target);
        Assert.Equal("xvda", disk.Vdev);
        Assert.Equal(51712, disk.Devid);
        Assert.False(disk.ReadOnly);
        Assert.False(disk.IsCdrom);
        Assert.Equal("raw", disk.Format);

        var vif = Assert.Single(d.Vifs);
        Assert.Equal(0, vif.Devid);
        Assert.Equal("eth0", vif.Bridge);
        Assert.Equal("00:16:3e:38:d4:07", vif.Mac);
        Assert.Equal("vif", vif.Type);
        Assert.Equal("vif-bridge", vif.Script);
    }

    [Fact]
    public void WindowsXpHvmGuest()
    {
        var result = Build(SeedConfigs.Winxp);
        Assert.True(result.Ok, Stderr(result));
        // xl's warnings, in the order xl prints them.
        Assert.Equal(
            "WARNING: ignoring \"vncviewer\" option. Use \"-V\" option of \"xl create\" to automatically spawn vncviewer.\n" +
            "WARNING: you seem to be using \"kernel\" directive to override HVM guest firmware. Ignore that. " +
            "Use \"firmware_override\" instead if you really want a non-default firmware\n" +
            "WARNING: ignoring device_model directive.\n" +
            "WARNING: Use \"device_model_override\" instead if you really want a non-default device_model\n",
            Stderr(result));
        var d = result.Spec!;
        Assert.Equal("winxp", d.Name);
        Assert.Equal(DomainKind.Hvm, d.Kind);
        Assert.Null(d.Kernel);
        Assert.Equal(1024, d.MemoryMiB);
        Assert.Equal(2, d.Vcpus);
        Assert.NotNull(d.Hvm);
        Assert.Equal("c", d.Hvm!.Boot);
        Assert.Equal("seabios", d.Hvm.Bios);
        Assert.Equal("cirrus", d.Hvm.Vga);
        Assert.True(d.Vnc.Enabled);
        Assert.Equal("", d.Vnc.Listen);
        Assert.Equal(ShutdownAction.Restart, d.OnCrash);

        Assert.Equal(2, d.Disks.Count);
        Assert.Equal(("/dev/vg01/winxp0", "hda", 768, false, false),
            (d.Disks[0].Target, d.Disks[0].Vdev, d.Disks[0].Devid, d.Disks[0].ReadOnly, d.Disks[0].IsCdrom));
        Assert.Equal(("/dev/loop0", "hdc", 5632, true, true),
            (d.Disks[1].Target, d.Disks[1].Vdev, d.Disks[1].Devid, d.Disks[1].ReadOnly, d.Disks[1].IsCdrom));

        var vif = Assert.Single(d.Vifs);
        Assert.Equal("ioemu", vif.Type);
        Assert.Equal("rtl8139", vif.Model);
        Assert.Equal("00:16:3e:38:d4:15", vif.Mac);
    }
}
