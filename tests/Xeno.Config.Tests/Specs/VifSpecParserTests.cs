using Xeno.Config.Specs;

namespace Xeno.Config.Tests.Specs;

public sealed class VifSpecParserTests
{
    private static VifSpec Ok(string spec)
    {
        var r = VifSpecParser.Parse(spec, "/etc/xen/a.cfg");
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return r.Value!;
    }

    [Fact]
    public void SeedConfigBridgeAndMac()
    {
        var v = Ok("bridge=eth0,mac=00:16:3e:38:d4:15");
        Assert.Equal("eth0", v.Bridge);
        Assert.Equal("00:16:3e:38:d4:15", v.Mac);
        Assert.Null(v.Devid);
    }

    [Fact]
    public void EmptySpecMeansAllDefaults()
    {
        var r = VifSpecParser.Parse("");
        Assert.True(r.Ok);
        Assert.Equal(new VifSpec { Colo = r.Value!.Colo }, r.Value);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void EveryKey()
    {
        var r = VifSpecParser.Parse(
            "type=ioemu, mac=00:16:3E:0A:0B:0C,bridge=xenbr1,gatewaydev=eth1,ip=10.0.0.2 10.0.0.3,script=vif-route,"
            + "backend=netdom,vifname=web0,model=e1000,rate=1MB/s@20ms,forwarddev=eth2,colo_checkpoint_host=h,"
            + "colo_sock_mirror_port=9003,devid=3,mtu=9000,vlan=10p/20,untrusted", "/etc/xen/a.cfg");
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var v = r.Value!;
        Assert.Equal("ioemu", v.Type);
        Assert.Equal("00:16:3e:0a:0b:0c", v.Mac);
        Assert.Equal(("xenbr1", "eth1", "10.0.0.2 10.0.0.3", "vif-route"), (v.Bridge, v.GatewayDev, v.Ip, v.Script));
        Assert.Equal(("netdom", "web0", "e1000", "eth2"), (v.Backend, v.VifName, v.Model, v.ForwardDev));
        Assert.Equal(new VifRate(20000, 20000), v.Rate);
        Assert.Equal((3, 9000), (v.Devid!.Value, v.Mtu!.Value));
        Assert.Equal("h", v.Colo["colo_checkpoint_host"]);
        Assert.Equal("9003", v.Colo["colo_sock_mirror_port"]);
        Assert.Equal("10p/20", v.Vlan);
        Assert.Equal(10, v.VlanSpec!.Pvid);
        Assert.False(v.Trusted);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void AccelAndNetdevWarnButAreAccepted()
    {
        var r = VifSpecParser.Parse("accel=netfront,netdev=eth9");
        Assert.True(r.Ok);
        Assert.Equal("eth9", r.Value!.GatewayDev);
        Assert.Equal(
            ["the accel parameter for vifs is currently not supported",
             "the netdev parameter is deprecated, please use gatewaydev instead"], r.Warnings);
    }

    [Theory]
    [InlineData("foo=bar", "unrecognized argument `foo=bar'")]
    [InlineData("bridge", "unrecognized argument `bridge'")]
    [InlineData("Bridge=x", "unrecognized argument `Bridge=x'")]
    [InlineData("type=hvm", "Invalid parameter `type'.")]
    [InlineData("mac=00:16:3e:zz:00:01", "Invalid parameter `mac'.")]
    [InlineData("mac=100:16:3e:00:00:01", "Invalid parameter `mac'.")]
    public void XlCreatePrintsTheseButCarriesOn(string spec, string message)
    {
        var r = VifSpecParser.Parse("bridge=br0," + spec);
        Assert.True(r.Ok);
        Assert.Equal(message, Assert.Single(r.Warnings));
        Assert.Equal("br0", r.Value!.Bridge);
    }

    [Theory]
    [InlineData("foo=bar", "unrecognized argument `foo=bar'")]
    [InlineData(" bridge=x", "unrecognized argument ` bridge=x'")]
    [InlineData("type=hvm", "Invalid parameter `type'.")]
    [InlineData("mac=00:16", "Invalid parameter `mac'.")]
    public void NetworkAttachStopsAtTheFirstRejectedArgument(string arg, string message)
    {
        var r = VifSpecParser.ParseArguments(["bridge=br0", arg, "model=e1000"]);
        Assert.False(r.Ok);
        Assert.Equal(message, Assert.Single(r.Errors));
    }

    [Theory]
    [InlineData("devid=x", "xl: failed to convert \"x\" to number")]
    [InlineData("mtu=", "xl: failed to convert \"\" to number")]
    [InlineData("mtu=-1", "xl: failed to convert \"-1\" to number")]
    [InlineData("rate=1MB", "/etc/xen/a.cfg: config parsing error in vif: invalid rate in `1MB'")]
    [InlineData("vlan=0", "vlan id 0 not between 1 and 4094")]
    public void FatalErrors(string spec, string message)
    {
        var r = VifSpecParser.Parse(spec, "/etc/xen/a.cfg");
        Assert.False(r.Ok);
        Assert.Equal(message, Assert.Single(r.Errors));
    }

    [Theory]
    [InlineData("mac=00-16-3e-01-02-03", "00:16:3e:01:02:03")] // any separator character
    [InlineData("mac=0:16:3e:1:2:3", "00:16:3e:01:02:03")]
    [InlineData("mac=00:00:00:00:00:00", null)]               // all zero = pick one at random
    [InlineData("mac=00:16:3e:zz,bridge=b", "00:16:3e:00:00:00")] // bytes before a bad group stay
    [InlineData("mac=00:16:3e:01:02,bridge=b", "00:16:3e:01:02:0b")] // runs on into the next token, as in xl's buffer
    public void MacQuirks(string spec, string? mac) => Assert.Equal(mac, Ok(spec).Mac);

    [Theory]
    [InlineData("devid=7abc", 7)]     // trailing junk is ignored
    [InlineData("devid= 7", 7)]
    [InlineData("devid=4294967298", 2)] // stored in an int
    public void DevidQuirks(string spec, int devid) => Assert.Equal(devid, Ok(spec).Devid);

    [Fact]
    public void TokensAreSplitOnCommasAndLeadingSpacesDropped()
    {
        var v = Ok(",, bridge=a,,  model=e1000 ,");
        Assert.Equal("a", v.Bridge);
        Assert.Equal("e1000 ", v.Model);
    }

    [Fact]
    public void RandomMacFollowsXensRules()
    {
        var random = new Random(5);
        for (int i = 0; i < 2000; i++)
        {
            var mac = VifSpecParser.RandomMac(random);
            Assert.Matches("^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$", mac);
        }
    }
}
