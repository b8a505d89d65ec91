using Xeno.Network.Nat;

namespace Xeno.Network.Tests.Nat;

public sealed class DnsmasqConfigTests
{
    [Fact]
    public void OneFixedLeaseOnTheVifOnlyWithXensRouterAndHostName()
    {
        var (plan, error) = NatVifPlan.For(5, 0, "vif5.0", "00:16:3E:38:D4:07", null, "eth0", "/run/xeno/d5");
        Assert.Null(error);
        Assert.Equal(
            "# Written by xenod: DHCP for domain 5's NAT vif vif5.0 (removed with the domain).\n" +
            "interface=vif5.0\n" +
            "bind-interfaces\n" +
            "port=0\n" +
            "no-resolv\nno-hosts\n" +
            "user=nobody\ngroup=nogroup\n" +
            "pid-file=/run/xeno/d5/dhcp-vif0.pid\n" +
            "dhcp-leasefile=/run/xeno/d5/dhcp-vif0.leases\n" +
            "log-facility=/run/xeno/d5/dhcp-vif0.log\n" +
            "log-dhcp\n" +
            "dhcp-authoritative\n" +
            "dhcp-range=10.0.5.1,static,255.255.0.0,infinite\n" +
            "dhcp-host=00:16:3e:38:d4:07,10.0.5.1,dom5,infinite\n" +
            "dhcp-option=option:router,10.0.5.128\n",
            DnsmasqConfig.For(plan!));
    }

    [Fact]
    public void ASecondVifGetsXensNumberedHostNameAndItsOwnFiles()
    {
        var (plan, _) = NatVifPlan.For(7, 1, "vif7.1", "00:16:3e:00:00:01", null, null, "/p/run/xeno/d7");
        Assert.Equal("dom7-2", plan!.HostName);
        Assert.Equal("/p/run/xeno/d7/dhcp-vif1.conf", plan.Dhcp.Config);
        Assert.Contains("dhcp-host=00:16:3e:00:00:01,10.0.7.2,dom7-2,infinite\n", DnsmasqConfig.For(plan));
    }

    [Theory]
    [InlineData("vif5.0", "00:16:3e:38:d4", null, "invalid MAC")]
    [InlineData("vif\"5", "00:16:3e:38:d4:07", null, "does not put in firewall rules")]
    [InlineData("vif5.0", "00:16:3e:38:d4:07", "eth 0", "does not put in firewall rules")]
    public void BadNamesAreRefusedBeforeAnythingIsWritten(string tap, string mac, string? uplink, string message)
    {
        var (plan, error) = NatVifPlan.For(5, 0, tap, mac, null, uplink, "/run/xeno/d5");
        Assert.Null(plan);
        Assert.Contains(message, error);
    }
}
