using Xeno.Config.Domain;
using Xeno.Network.Planning;

namespace Xeno.Network.Tests;

public sealed class VifPlannerTests
{
    internal static DomainVif Vif(int devid = 0, string script = "vif-bridge", string type = "vif", string model = "rtl8139",
        string? ip = null, string? vifname = null, string mac = "00:16:3e:12:34:56", int? mtu = null) => new()
    {
        Devid = devid, Mac = mac, Bridge = "xenbr0", Script = script, Type = type, Model = model, Ip = ip, VifName = vifname, Mtu = mtu,
    };

    [Theory]
    [InlineData(DomainKind.Pv, "vif", "e1000", "virtio-net-pci")]
    [InlineData(DomainKind.Pvh, "vif", "rtl8139", "virtio-net-pci")]
    [InlineData(DomainKind.Hvm, "vif", "e1000", "virtio-net-pci")]
    [InlineData(DomainKind.Hvm, "ioemu", "rtl8139", "rtl8139")]
    [InlineData(DomainKind.Hvm, "ioemu", "", "rtl8139")]
    [InlineData(DomainKind.Hvm, "ioemu", "e1000", "e1000")]
    [InlineData(DomainKind.Hvm, "ioemu", "virtio-net", "virtio-net-pci")]
    [InlineData(DomainKind.Hvm, "ioemu", "ne2k_pci", "ne2k_pci")]
    public void TheQemuModelFollowsGuestKindTypeAndModel(DomainKind kind, string type, string model, string expected)
    {
        var plan = VifPlanner.Plan(Vif(type: type, model: model), 4, kind);
        Assert.Equal(expected, plan.QemuModel);
        Assert.Equal(expected != "virtio-net-pci", plan.Emulated);
    }

    [Fact]
    public void AnUnknownModelIsRefusedWithTheChoices()
    {
        var e = Assert.Throws<VifPlanException>(() => VifPlanner.Plan(Vif(type: "ioemu", model: "e1001"), 4, DomainKind.Hvm));
        Assert.Contains("model=\"e1001\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("e1000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmulatedVifOnAPvGuestGetsXensMessage()
    {
        var e = Assert.Throws<VifPlanException>(() => VifPlanner.Plan(Vif(type: "ioemu"), 4, DomainKind.Pv));
        Assert.Equal("trying to create PV or PVH guest with an emulated interface", e.Message);
    }

    [Theory]
    [InlineData("vif-bridge", VifMode.Bridge, "/etc/xen/scripts/vif-bridge")]
    [InlineData("/etc/xen/scripts/vif-bridge", VifMode.Bridge, "/etc/xen/scripts/vif-bridge")]
    [InlineData("vif-route", VifMode.Route, "/etc/xen/scripts/vif-route")]
    [InlineData("/etc/xen/scripts/vif-nat", VifMode.Nat, "/etc/xen/scripts/vif-nat")]
    [InlineData("my-vif", VifMode.CustomScript, "/etc/xen/scripts/my-vif")]
    [InlineData("/usr/local/sbin/vif-bridge", VifMode.CustomScript, "/usr/local/sbin/vif-bridge")]
    public void TheModeComesFromTheScriptAsXenResolvesIt(string script, VifMode mode, string path)
    {
        var plan = VifPlanner.Plan(Vif(script: script), 1, DomainKind.Pv);
        Assert.Equal(mode, plan.Mode);
        Assert.Equal(path, plan.ScriptPath);
    }

    [Fact]
    public void ThePlanCarriesNameMacMtuAndAddresses()
    {
        var plan = VifPlanner.Plan(Vif(devid: 2, ip: "10.0.0.5 10.1.0.0/24", mtu: 9000), 7, DomainKind.Pv);
        Assert.Equal("vif7.2", plan.TapName);
        Assert.Equal("00:16:3e:12:34:56", plan.Mac);
        Assert.Equal(9000, plan.Mtu);
        Assert.Equal(["10.0.0.5/32", "10.1.0.0/24"], plan.Addresses.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("01:16:3e:12:34:56", "multicast")]
    [InlineData("00:16:3E:12:34:56", "not a MAC")]
    public void BadMacsAreRefused(string mac, string problem)
    {
        var e = Assert.Throws<VifPlanException>(() => VifPlanner.Plan(Vif(mac: mac), 1, DomainKind.Pv));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateTapNamesAreRefused()
    {
        var e = Assert.Throws<VifPlanException>(() => VifPlanner.PlanAll([Vif(0, vifname: "web"), Vif(1, vifname: "web")], 1, DomainKind.Pv));
        Assert.Contains("\"web\"", e.Message, StringComparison.Ordinal);
    }
}
