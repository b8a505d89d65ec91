using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

public sealed class VmSpecTests
{
    private static readonly KernelChoice Kernel = new() { Name = "debian", Kernel = "/boot/vmlinuz", Ramdisk = "/boot/initrd", Extra = "console=hvc0" };

    [Fact]
    public void APvVmBecomesXlsDomainJson()
    {
        var vm = new PanelVm(1, "web", 2, "ann", 1, VmType.Pv, 256, 2, 4, "/var/lib/xeno/panel/disks/web.img", "debian");
        var (spec, error) = VmSpec.Build(vm, Kernel, 4);
        Assert.Equal("", error);
        var s = spec!.Value;
        Assert.Equal("web", s.GetProperty("name").GetString());
        Assert.Equal("pv", s.GetProperty("type").GetString());
        Assert.Equal(256, s.GetProperty("memory").GetInt32());
        Assert.Equal(2, s.GetProperty("vcpus").GetInt32());
        Assert.Equal("/boot/vmlinuz", s.GetProperty("kernel").GetString());
        Assert.Equal("/boot/initrd", s.GetProperty("ramdisk").GetString());
        Assert.Contains("console=hvc0", s.GetProperty("cmdline").GetString());
        var disk = s.GetProperty("disks")[0];
        Assert.Equal("/var/lib/xeno/panel/disks/web.img", disk.GetProperty("target").GetString());
        Assert.Equal("xvda", disk.GetProperty("vdev").GetString());
        Assert.Equal("rw", disk.GetProperty("access").GetString());
    }

    [Fact]
    public void AnHvmVmBootsFromItsDisk()
    {
        var vm = new PanelVm(1, "win", 2, "ann", 1, VmType.Hvm, 1024, 1, 20, "/d/win.img", null);
        var (spec, error) = VmSpec.Build(vm, null, 4);
        Assert.Equal("", error);
        Assert.Equal("hvm", spec!.Value.GetProperty("type").GetString());
        Assert.Equal("c", spec.Value.GetProperty("boot").GetString());
        Assert.Equal("hda", spec.Value.GetProperty("disks")[0].GetProperty("vdev").GetString());
    }
}
