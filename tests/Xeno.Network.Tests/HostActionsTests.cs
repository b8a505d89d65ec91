using System.Net;
using Xeno.Network.Host;
using Xeno.Network.Planning;
using Xeno.Config.Domain;

namespace Xeno.Network.Tests;

public sealed class HostActionsTests
{
    private static HostNetworkFacts Facts(params HostInterface[] interfaces) => new(interfaces);

    private static VifPlan Plan(string script = "vif-bridge", string? ip = null, int? mtu = null, string type = "vif") =>
        VifPlanner.Plan(VifPlannerTests.Vif(script: script, ip: ip, mtu: mtu, type: type, model: "e1000"), 3, DomainKind.Hvm);

    private static string[] Lines(IEnumerable<HostAction> actions) => actions.Select(a => a.ToString()!).ToArray();

    [Fact]
    public void BridgeModeDoesWhatVifBridgeOnlineDoes()
    {
        var actions = VifHostActions.For(Plan(), Facts(new HostInterface("xenbr0", isBridge: true, mtu: 1400)));
        Assert.Equal(
        [
            "ip tuntap add dev vif3.0 mode tap",
            "ip link set dev vif3.0 down",
            "ip link set dev vif3.0 address fe:ff:ff:ff:ff:ff",
            "ip address flush dev vif3.0",
            "ip link set dev vif3.0 mtu 1400",
            "ip link set dev vif3.0 master xenbr0",
            "ip link set dev vif3.0 up",
        ], Lines(actions));
        // Only the tap needs undoing: the rest goes with it.
        Assert.Equal([["ip", "tuntap", "del", "dev", "vif3.0", "mode", "tap"]], actions.Select(a => a.Undo).OfType<IReadOnlyList<string>>());
    }

    [Fact]
    public void AnMtuGivenWinsOverTheBridges() =>
        Assert.Contains("ip link set dev vif3.0 mtu 9000",
            Lines(VifHostActions.For(Plan(mtu: 9000), Facts(new HostInterface("xenbr0", isBridge: true)))));

    [Fact]
    public void AMissingXenbrNFallsBackToABridgeNamedEthN()
    {
        var bridge = BridgeChoice.Resolve("xenbr1", Facts(new HostInterface("eth1", isBridge: true), new HostInterface("eth0")));
        Assert.Equal("eth1", bridge.Name);
    }

    [Fact]
    public void AMissingBridgeGetsXensMessage()
    {
        var e = Assert.Throws<VifPlanException>(() => BridgeChoice.Resolve("xenbr0", Facts(new HostInterface("eth0"))));
        Assert.Equal("Could not find bridge device xenbr0", e.Message);
    }

    [Fact]
    public void AnInterfaceThatIsNoBridgeIsRefused()
    {
        var e = Assert.Throws<VifPlanException>(() => BridgeChoice.Resolve("eth0", Facts(new HostInterface("eth0"))));
        Assert.StartsWith("eth0 is not a bridge", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATakenTapNameIsRefusedBeforeAnythingIsMade()
    {
        var e = Assert.Throws<VifPlanException>(() => VifHostActions.For(Plan(),
            Facts(new HostInterface("xenbr0", isBridge: true), new HostInterface("vif3.0"))));
        Assert.Contains("vif3.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteModeDoesWhatVifRouteOnlineDoes()
    {
        var facts = Facts(new HostInterface("eth0", false, 1500, [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("192.0.2.11")]));
        var pv = VifPlanner.Plan(VifPlannerTests.Vif(script: "vif-route", ip: "192.0.2.50 198.51.100.0/28"), 3, DomainKind.Pv);
        Assert.Equal(
        [
            "ip tuntap add dev vif3.0 mode tap",
            "ip link set dev vif3.0 down",
            "ip link set dev vif3.0 address fe:ff:ff:ff:ff:ff",
            "ip address flush dev vif3.0",
            "ip address add 192.0.2.10/32 dev vif3.0",
            "ip link set dev vif3.0 up",
            "sysctl -q -w net.ipv4.conf.vif3/0.proxy_arp=1",
            "ip route add 192.0.2.50 dev vif3.0 src 192.0.2.10 metric 2",
            "ip route add 198.51.100.0/28 dev vif3.0 src 192.0.2.10 metric 2",
        ], Lines(VifHostActions.For(pv, facts).Where(a => a is not Xeno.Network.Filtering.ApplyNftScript)));
        // ip= turns anti-spoofing on: the vif's netdev table comes last, once the tap exists.
        Assert.IsType<Xeno.Network.Filtering.ApplyNftScript>(VifHostActions.For(pv, facts)[^1]);
        // An emulated NIC's routes take metric 1, as vif-route's for the -emu tap.
        Assert.Contains("ip route add 192.0.2.5 dev vif3.0 src 192.0.2.10 metric 1",
            Lines(VifHostActions.For(Plan("vif-route", "192.0.2.5", type: "ioemu"), facts)));
    }

    [Fact]
    public void RouteModeUsesGatewaydev()
    {
        var facts = Facts(new HostInterface("eth0", false, 1500, [IPAddress.Parse("192.0.2.10")]),
            new HostInterface("uplink", false, 1500, [IPAddress.Parse("203.0.113.1")]));
        var plan = Plan("vif-route") with { GatewayDev = "uplink" };
        Assert.Contains("ip address add 203.0.113.1/32 dev vif3.0", Lines(VifHostActions.For(plan, facts)));
    }

    [Theory]
    [InlineData(null, " is not up.  Bring it up or specify another interface with netdev=<if> as a parameter to /etc/xen/scripts/vif-route.")]
    [InlineData("eth9", "eth9 is not up.  Bring it up or specify another interface with netdev=<if> as a parameter to /etc/xen/scripts/vif-route.")]
    public void RouteModeWithoutAnAddressOnNetdevGetsXensMessage(string? netdev, string message)
    {
        var e = Assert.Throws<VifPlanException>(() => RouteChoice.MainIp(netdev, Facts(new HostInterface("eth0"))));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void RouteModeRefusesIpv6Addresses()
    {
        var facts = Facts(new HostInterface("eth0", false, 1500, [IPAddress.Parse("192.0.2.10")]));
        Assert.Throws<VifPlanException>(() => VifHostActions.For(Plan("vif-route", "2001:db8::1"), facts));
    }

    [Fact]
    public void AnAdminsOwnScriptIsNamedNotSilentlyIgnored() =>
        Assert.Throws<VifPlanException>(() => VifHostActions.For(Plan("/usr/local/bin/my-script"), Facts(new HostInterface("xenbr0", isBridge: true))));

    [Fact]
    public void NatModeMakesOnlyTheTapHereTheRestIsXenodsNatVif()
    {
        var lines = VifHostActions.For(Plan("vif-nat"), Facts()).Select(a => a.ToString()).ToArray();
        Assert.Equal(VifHostActions.Tap(Plan("vif-nat")).Select(a => a.ToString()), lines);
        Assert.StartsWith("ip tuntap add dev", lines[0]);
    }
}

public sealed class BridgeSetupTests
{
    private static string[] Lines(IEnumerable<HostAction> actions) => actions.Select(a => a.ToString()).ToArray();

    [Fact]
    public void ANewBridgeWithAnUplinkAndAnAddress() =>
        Assert.Equal(
        [
            "ip link add name xenbr0 type bridge stp_state 0 forward_delay 0",
            "ip link set dev eth1 master xenbr0",
            "ip link set dev eth1 up",
            "ip address add 192.168.50.1/24 dev xenbr0",
            "ip link set dev xenbr0 up",
        ], Lines(BridgeSetup.For("xenbr0", "eth1", "192.168.50.1/24", new HostNetworkFacts([new HostInterface("eth1")]))));

    [Fact]
    public void AnExistingBridgeIsOnlyBroughtUp() =>
        Assert.Equal(["ip link set dev xenbr0 up"],
            Lines(BridgeSetup.For("xenbr0", null, null, new HostNetworkFacts([new HostInterface("xenbr0", isBridge: true)]))));

    [Fact]
    public void AnUplinkWithTheHostsAddressIsRefused()
    {
        var facts = new HostNetworkFacts([new HostInterface("eth0", false, 1500, [System.Net.IPAddress.Parse("192.0.2.7")])]);
        var e = Assert.Throws<VifPlanException>(() => BridgeSetup.For("xenbr0", "eth0", null, facts));
        Assert.Contains("192.0.2.7", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eth0", null, "not a bridge")]
    [InlineData("xenbr0", "eth9", "does not exist")]
    [InlineData("a/b", null, "cannot contain")]
    public void BadRequestsAreNamed(string bridge, string? uplink, string problem)
    {
        var e = Assert.Throws<VifPlanException>(() => BridgeSetup.For(bridge, uplink, null, new HostNetworkFacts([new HostInterface("eth0")])));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.168.50.1")]
    [InlineData("2001:db8::1/64")]
    public void TheAddressNeedsIpv4WithAPrefix(string address) =>
        Assert.Throws<VifPlanException>(() => BridgeSetup.For("xenbr0", null, address, new HostNetworkFacts([])));
}
