using System.Text.Json;
using Xeno.Qemu.Machine;

namespace Xeno.Qemu.Tests.Machine;

/// <summary>The QMP names and arguments of NICs changed at run time (xl network-attach/-detach).</summary>
public sealed class HotplugNicTests
{
    private static readonly NicSpec Nic = new(2, "vif7.2", "00:16:3e:01:02:03", "virtio-net-pci");

    [Fact]
    public void QmpArgumentsUseTheCommandLinesIds()
    {
        Assert.Equal("{\"type\":\"tap\",\"id\":\"net2\",\"ifname\":\"vif7.2\",\"script\":\"no\",\"downscript\":\"no\"}",
            HotplugNic.NetdevAdd(Nic).ToJsonString());
        Assert.Equal("{\"driver\":\"virtio-net-pci\",\"id\":\"nic2\",\"netdev\":\"net2\",\"mac\":\"00:16:3e:01:02:03\"}",
            HotplugNic.DeviceAdd(Nic).ToJsonString());
        Assert.Equal("{\"driver\":\"e1000\",\"id\":\"nic2\",\"netdev\":\"net2\",\"mac\":\"00:16:3e:01:02:03\"}",
            HotplugNic.DeviceAdd(Nic with { Model = "e1000" }).ToJsonString());
        // A NIC of QEMU's command line has the same ids, so it detaches the same way.
        Assert.Contains("tap,id=net2,ifname=vif7.2,script=no,downscript=no", NicArguments.For(Nic));
        Assert.Contains("virtio-net-pci,id=nic2,netdev=net2,mac=00:16:3e:01:02:03", NicArguments.For(Nic));
    }

    [Fact]
    public void WhatQemuWouldMisreadIsRefused()
    {
        Assert.Throws<MachineSpecException>(() => HotplugNic.NetdevAdd(Nic with { TapName = "a b" }));
        Assert.Throws<MachineSpecException>(() => HotplugNic.DeviceAdd(Nic with { Mac = "00:16:3E:01:02:03" }));
        Assert.Throws<MachineSpecException>(() => HotplugNic.DeviceAdd(Nic with { Model = "e1000,bus=x" }));
    }

    [Fact]
    public void OnlyTheGuestDevicesDeletedEventMatches()
    {
        static JsonElement Data(string json) => JsonDocument.Parse(json).RootElement;
        Assert.True(HotplugNic.IsDeletedDevice(Data("{\"device\":\"nic2\",\"path\":\"/machine/peripheral/nic2\"}"), "nic2"));
        Assert.False(HotplugNic.IsDeletedDevice(Data("{\"device\":\"nic21\",\"path\":\"/machine/peripheral/nic21\"}"), "nic2"));
        // QEMU's events for a device's parts carry only a path.
        Assert.False(HotplugNic.IsDeletedDevice(Data("{\"path\":\"/machine/peripheral/nic2/virtio-backend\"}"), "nic2"));
        Assert.False(HotplugNic.IsDeletedDevice(Data("{\"device\":null}"), "nic2"));
        Assert.False(HotplugNic.IsDeletedDevice(Data("[]"), "nic2"));
    }
}
