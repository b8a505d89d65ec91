using Xeno.Qemu.Machine;

namespace Xeno.Qemu.Tests.Machine;

/// <summary>The QMP names and arguments of disks changed at run time (xl block-attach/-detach, cd-insert/-eject).</summary>
public sealed class HotplugDiskTests
{
    private static readonly RuntimeFiles Files = new("/q", "/c", "/l", "/a", "/p");

    [Fact]
    public void NamedDisksCarryTheirNameOnTheCommandLine()
    {
        var spec = new MachineSpec
        {
            Name = "web", Kind = GuestKind.Pv, MemoryMiB = 128, Files = Files,
            DirectBoot = new DirectBoot("/k", null, ""),
            Disks = [new DiskSpec("/a.img", Id: HotplugDisk.DriveId(51712)), new DiskSpec("/b.img")],
        };
        var args = QemuCommandLine.Build(spec).Arguments;
        Assert.Contains("if=none,id=vbd51712,file=/a.img,format=raw", args);
        Assert.Contains("virtio-blk-pci,drive=vbd51712,id=vbd51712-dev", args);
        // An unnamed disk keeps the positional name and no device id.
        Assert.Contains("virtio-blk-pci,drive=disk1", args);
    }

    [Fact]
    public void QmpArgumentsNameTheDeviceNumber()
    {
        Assert.Equal("{\"node-name\":\"vbd51728\",\"driver\":\"qcow2\",\"read-only\":true,\"file\":{\"driver\":\"file\",\"filename\":\"/x.qcow2\",\"read-only\":true}}",
            HotplugDisk.BlockdevAdd(51728, "/x.qcow2", DiskFormat.Qcow2, readOnly: true).ToJsonString());
        Assert.Equal("{\"node-name\":\"vbd51776\",\"driver\":\"raw\",\"read-only\":false,\"file\":{\"driver\":\"host_device\",\"filename\":\"/dev/sde\",\"read-only\":false}}",
            HotplugDisk.BlockdevAdd(51776, "/dev/sde", DiskFormat.Raw, readOnly: false).ToJsonString());
        Assert.Equal("{\"driver\":\"virtio-blk-pci\",\"id\":\"vbd51728-dev\",\"drive\":\"vbd51728\"}", HotplugDisk.DeviceAdd(51728).ToJsonString());
        Assert.Equal("{\"id\":\"vbd5632-dev\",\"filename\":\"/cd.iso\",\"format\":\"raw\",\"read-only-mode\":\"read-only\"}",
            HotplugDisk.ChangeMedium(5632, "/cd.iso", DiskFormat.Raw).ToJsonString());
        Assert.Equal("{\"id\":\"vbd5632-dev\",\"force\":true}", HotplugDisk.Eject(5632).ToJsonString());
    }
}
