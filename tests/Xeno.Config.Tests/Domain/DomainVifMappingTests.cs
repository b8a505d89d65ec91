using Xeno.Config.Domain;
using Xeno.Config.Specs;

namespace Xeno.Config.Tests.Domain;

/// <summary>A parsed vif as the domain's vif: its own values first, then the host's defaults, then Xen's.</summary>
public sealed class DomainVifMappingTests
{
    private static VifSpec Parsed(string text)
    {
        var r = VifSpecParser.Parse(text);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return r.Value!;
    }

    [Fact]
    public void AnEmptyVifGetsXensDefaultsTheCallersDevidAndTypeAndARandomXenMac()
    {
        var vif = DomainVifMapping.From(Parsed(""), new VifDefaults(), 3, "ioemu", new Random(7));
        Assert.Equal((3, "xenbr0", "vif-bridge", "ioemu", "rtl8139"), (vif.Devid, vif.Bridge, vif.Script, vif.Type, vif.Model));
        Assert.Null(vif.Ip);
        Assert.Null(vif.GatewayDev);
        Assert.Null(vif.Backend);
        Assert.Null(vif.RateBytesPerInterval);
        Assert.Matches("^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$", vif.Mac);
        // The same Random gives the same MAC: the choice is the caller's seed, nothing global.
        Assert.Equal(vif.Mac, DomainVifMapping.From(Parsed(""), new VifDefaults(), 3, "ioemu", new Random(7)).Mac);
    }

    [Fact]
    public void TheHostsDefaultsFillWhatTheVifLeavesOut()
    {
        var defaults = new VifDefaults("br9", "vif-nat", "eth4", "0");
        var vif = DomainVifMapping.From(Parsed("mac=00:16:3e:01:02:03"), defaults, 0, "vif", Random.Shared);
        Assert.Equal(("br9", "vif-nat", "eth4", "0", "00:16:3e:01:02:03"), (vif.Bridge, vif.Script, vif.GatewayDev, vif.Backend, vif.Mac));
    }

    [Fact]
    public void TheVifsOwnSettingsWinOverEveryDefault()
    {
        var defaults = new VifDefaults("br9", "vif-nat", "eth4", "7");
        var vif = DomainVifMapping.From(
            Parsed("devid=5,mac=00:16:3e:0a:0b:0c,bridge=br1,ip=10.1.2.3,script=vif-route,type=vif,model=e1000,vifname=web0,rate=10Mb/s,mtu=1400,gatewaydev=eth1,backend=0"),
            defaults, 2, "ioemu", Random.Shared);
        Assert.Equal(
            (5, "00:16:3e:0a:0b:0c", "br1", "10.1.2.3", "vif-route", "vif", "e1000", "web0", 62500L, 50000L, 1400, "eth1", "0"),
            (vif.Devid, vif.Mac, vif.Bridge, vif.Ip, vif.Script, vif.Type, vif.Model, vif.VifName, vif.RateBytesPerInterval,
                vif.RateIntervalUsecs, vif.Mtu, vif.GatewayDev, vif.Backend));
    }
}
