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

    private static readonly PanelVm Pv = new(1, "web", 2, "ann", 1, VmType.Pv, 256, 2, 4, "/d/web.img", "debian");

    [Fact]
    public void RescueBootsTheRescueKernelWithEveryDisk()
    {
        var plan = new VmStartPlan(BootMode.Rescue, ["/d/web-b.img"], RescueKernel: "/r/vmlinuz", RescueRamdisk: "/r/initrd.img");
        var hvm = Pv with { Type = VmType.Hvm };
        var (spec, error) = VmSpec.Build(hvm, null, 4, plan);
        Assert.Equal("", error);
        var s = spec!.Value;
        Assert.Equal("pv", s.GetProperty("type").GetString());
        Assert.Equal("/r/vmlinuz", s.GetProperty("kernel").GetString());
        Assert.Equal("/r/initrd.img", s.GetProperty("ramdisk").GetString());
        Assert.Contains("xeno.action=shell", s.GetProperty("cmdline").GetString());
        Assert.False(s.TryGetProperty("bootloader", out var bl) && bl.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Equal(["/d/web.img", "/d/web-b.img"], s.GetProperty("disks").EnumerateArray().Select(d => d.GetProperty("target").GetString()));
    }

    [Fact]
    public void ACdBootIsHvmWithTheImageFirstAndAPvVmsOwnKernelLeftOut()
    {
        var (spec, error) = VmSpec.Build(Pv, Kernel, 4, new VmStartPlan(BootMode.Cd, [], "/srv/iso/d.iso"));
        Assert.Equal("", error);
        var s = spec!.Value;
        Assert.Equal("hvm", s.GetProperty("type").GetString());
        Assert.Equal("dc", s.GetProperty("boot").GetString());
        Assert.False(s.TryGetProperty("kernel", out var k) && k.ValueKind == System.Text.Json.JsonValueKind.String);
        var cd = s.GetProperty("disks").EnumerateArray().Single(d => d.GetProperty("vdev").GetString() == "hdc");
        Assert.Equal("/srv/iso/d.iso", cd.GetProperty("target").GetString());
    }

    [Fact]
    public void AnHvmBootHasAnEmptyCdDriveAndAPvVmWithoutAKernelUsesPygrub()
    {
        var hvm = VmSpec.ConfigText(Pv with { Type = VmType.Hvm }, Kernel, new VmStartPlan(BootMode.Normal, ["/d/web-b.img"]));
        Assert.Contains("\",,hdc,cdrom\"", hvm);
        Assert.Contains("vdev=xvdb,access=rw,target=/d/web-b.img", hvm);
        Assert.DoesNotContain("kernel", hvm);
        var pv = VmSpec.ConfigText(Pv with { Kernel = null }, null);
        Assert.Contains("bootloader = \"pygrub\"", pv);
        Assert.DoesNotContain("hdc", pv);
    }
}
