using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Network;
using Xeno.Cli.Tests.Support;
using Xeno.Config.Specs;

namespace Xeno.Cli.Tests.Network;

/// <summary>xl network-attach/-list/-detach: usage and argument errors against Debian's real xl, and the formats.</summary>
public sealed class NetworkCommandTests
{
    [Theory]
    [InlineData("network-attach")]
    [InlineData("network-attach", "-h")]
    [InlineData("network-list")]
    [InlineData("network-list", "-h")]
    [InlineData("network-list", "--help")]
    [InlineData("network-detach")]
    [InlineData("network-detach", "web")]
    [InlineData("network-detach", "-h")]
    [InlineData("network-detach", "-x", "a", "b")]
    [InlineData("help", "network-attach")]
    [InlineData("help", "network-detach")]
    [InlineData("-N", "network-detach", "a", "0")]
    [InlineData("-N", "network-list", "a")]
    public void UsageAndArgumentErrorsAsRealXl(params string[] args)
    {
        using var xl = new XlRunner();
        Assert.Equal(RealXl.Run(args), xl.Run(args));
    }

    [Theory]
    [InlineData("mac=00:16:3e:01:02:03", "bridge=br0")]
    [InlineData]
    [InlineData("type=ioemu", "mac=00:16:3e:01:02:03", "bridge=br0", "ip=10.0.0.1", "script=vif-route", "backend=0",
        "vifname=foo", "rate=10Mb/s", "model=e1000", "mtu=9000")]
    [InlineData("rate=1MB/s@20ms", "type=vif")]
    [InlineData("devid=2", "ip=1.2.3.4 5.6.7.8", "gatewaydev=eth1", "forwarddev=eth2", "colo_compare_out=x", "colo_sock_mirror_id=3",
        "colo_sock_compare_notify_port=9", "colo_sock_compare_pri_in_id=1")]
    [InlineData("devid=0", "mtu=0")]
    [InlineData("mac=00:00:00:00:00:00", "ip=a\"b\\c")]
    [InlineData("netdev=eth3", "accel=x")]
    [InlineData("ip=1.2.3.4", "ip=5.6.7.8")]
    public void DryRunJsonAsRealXl(params string[] settings)
    {
        var real = RealXl.Run(["-N", "network-attach", "0", .. settings]);
        Assert.Equal(0, real.Exit);
        var spec = VifSpecParser.ParseArguments(settings);
        Assert.True(spec.Ok);
        Assert.Equal(real.Out, "vif: " + NicJson.Of(spec.Value!, spec.Value!.Bridge, spec.Value.Script) + "\n");
        Assert.Equal(real.Err, string.Concat(spec.Warnings.Select(w => w + "\n")));
    }

    [Theory]
    [InlineData("rate=bad")]
    [InlineData("mtu=abc")]
    [InlineData("mac=zz")]
    [InlineData("type=bogus")]
    [InlineData("trusted=1")]
    [InlineData("devid=-1")]
    public void BadSettingsFailAsRealXl(string setting)
    {
        var real = RealXl.Run("-N", "network-attach", "0", setting);
        Assert.Equal(1, real.Exit);
        var spec = VifSpecParser.ParseArguments([setting]);
        Assert.False(spec.Ok);
        Assert.Equal(real.Err, string.Concat(spec.Errors.Select(e => e + "\n")));
    }

    [Fact]
    public void DryRunTakesXlConfDefaults()
    {
        var spec = VifSpecParser.ParseArguments(["mac=00:16:3e:00:00:07"]).Value!;
        Assert.Equal("{\n    \"mac\": \"00:16:3e:00:00:07\",\n    \"bridge\": \"xenbr9\",\n    \"script\": \"vif-route\"\n}\n",
            NicJson.Of(spec, "xenbr9", "vif-route"));
    }

    private static NicInfo Nic(int devid, string mac) => new()
    {
        Devid = devid, BackendId = 0, Mac = mac, State = 4, EventChannel = -1, TxRingRef = -1, RxRingRef = -1,
        BackendPath = $"/local/domain/0/backend/vif/7/{devid}", Interface = $"vif7.{devid}", Type = "vif",
        Model = "virtio-net-pci", Bridge = "xenbr0", Script = "/etc/xen/scripts/vif-bridge",
    };

    [Fact]
    public void ListHeaderAndRowsAsXlPrintsThem()
    {
        // %-30s pads short back-end paths only; Xen's are 31 bytes and more.
        Assert.Equal("0   0  00:16:3e:12:34:56     0     4     -1    -1/-1          /short                        \n",
            NetworkListCommand.Row(Nic(0, "00:16:3e:12:34:56") with { BackendPath = "/short" }));
        Assert.Equal("Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n", NetworkListCommand.Header);
        Assert.Equal("0   0  00:16:3e:12:34:56     0     4     -1    -1/-1          /local/domain/0/backend/vif/7/0\n",
            NetworkListCommand.Row(Nic(0, "00:16:3e:12:34:56")));
        Assert.Equal("12  0  00:16:3e:00:00:01    12     4     -1    -1/-1          /local/domain/0/backend/vif/7/12\n",
            NetworkListCommand.Row(Nic(12, "00:16:3e:00:00:01")));
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData(" 1x", 1)]
    [InlineData("+1", 1)]
    [InlineData("abc", 0)]
    [InlineData("", 0)]
    [InlineData("00:16:3e:00:00:01", 1)]
    [InlineData("00:16:3E:00:00:01", 1)]
    [InlineData("00-16-3e-00-00-01", 0)] // no ':': atoi reads "00"
    [InlineData("00:16:3e-00.00:01", 1)]
    [InlineData("00:16:3e:00:00:0", null)]
    [InlineData("00:16:3e:00:00:02", null)]
    [InlineData("7", null)]
    [InlineData("-1", null)]
    public void DetachFindsByDevidOrMacAsLibxl(string which, int? expected)
    {
        NicInfo[] nics = [Nic(0, "00:16:3e:00:00:00"), Nic(1, "00:16:3e:00:00:01")];
        Assert.Equal(expected, NetworkDetachCommand.Find(nics, which)?.Devid);
    }

    [Fact]
    public void RandomDetachArgumentsNeverThrow()
    {
        var random = new Random(1234);
        NicInfo[] nics = [Nic(0, "00:16:3e:00:00:00")];
        const string alphabet = "0123456789abcdefABCDEF:-+ xg";
        for (int i = 0; i < 5000; i++)
        {
            var s = new string([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            _ = NetworkDetachCommand.Find(nics, s);
        }
    }

    [Fact]
    public void NetworkListWithoutXenodSaysSo()
    {
        using var xl = new XlRunner();
        var (exit, o, e) = xl.Run("network-list", "web");
        Assert.Equal(1, exit);
        Assert.Equal(NetworkListCommand.Header, o);
        Assert.NotEqual("", e);
    }
}
