using Xeno.Network.Planning;

namespace Xeno.Network.Host;

/// <summary>
/// The ordered host changes that bring a planned vif up, as Xen's vif scripts make them "online".
/// Pure: the host facts come in, argument vectors go out; xenod's executor runs them and undoes
/// the completed ones in reverse when a later one fails.
/// </summary>
public static class VifHostActions
{
    /// <summary>Route metric of vif-route: 1 for an emulated NIC's tap, 2 for a PV vif.</summary>
    public static int RouteMetric(VifPlan plan) => plan.Emulated ? 1 : 2;

    public static IReadOnlyList<HostAction> For(VifPlan plan, HostNetworkFacts facts)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Exists(plan.TapName))
            throw new VifPlanException($"Cannot create interface {plan.TapName}: an interface with that name already exists.");
        IReadOnlyList<HostAction> mode = plan.Mode switch
        {
            VifMode.Bridge => Bridge(plan, facts),
            VifMode.Route => Route(plan, facts),
            // vif-nat's addresses, DHCP server and masquerade are xenod's Nat/NatVifs (not argument vectors: dnsmasq is a daemon).
            VifMode.Nat => NatTap(plan),
            _ => throw new VifPlanException($"vif {plan.Devid}: script={plan.ScriptPath}: running an admin's own vif script is not supported by this xenod yet"),
        };
        // Anti-spoofing (ip=) and rate=, at the tap's ingress: net-policy's part (Filtering).
        return [.. mode, .. Filtering.VifTransmitActions.For(plan)];
    }

    /// <summary>The tap as netback's vif looks: persistent, down, MAC fe:ff:ff:ff:ff:ff, no addresses.</summary>
    public static IReadOnlyList<HostAction> Tap(VifPlan plan) =>
    [
        new CreateTap(plan.TapName),
        new LinkDown(plan.TapName),
        new SetLinkAddress(plan.TapName, SetLinkAddress.BackendMac),
        new FlushAddresses(plan.TapName),
    ];

    /// <summary>A NAT vif's tap (MTU when mtu= is given); the rest of vif-nat online comes after, from xenod.</summary>
    public static IReadOnlyList<HostAction> NatTap(VifPlan plan) =>
        plan.Mtu is { } mtu ? [.. Tap(plan), new SetMtu(plan.TapName, mtu)] : Tap(plan);

    /// <summary>vif-bridge online: MTU (mtu= or the bridge's), enslave, up.</summary>
    public static IReadOnlyList<HostAction> Bridge(VifPlan plan, HostNetworkFacts facts)
    {
        var bridge = BridgeChoice.Resolve(plan.Bridge, facts);
        return
        [
            .. Tap(plan),
            new SetMtu(plan.TapName, plan.Mtu ?? bridge.Mtu),
            new JoinBridge(plan.TapName, bridge.Name),
            new LinkUp(plan.TapName),
        ];
    }

    /// <summary>vif-route online: main address /32 on the tap, up, proxy ARP, a route per ip= address (IPv4; vif-route's src is IPv4).</summary>
    public static IReadOnlyList<HostAction> Route(VifPlan plan, HostNetworkFacts facts)
    {
        var mainIp = RouteChoice.MainIp(plan.GatewayDev, facts).ToString();
        if (plan.Addresses.FirstOrDefault(a => !a.IsIPv4) is { } v6)
            throw new VifPlanException($"vif {plan.Devid}: route mode routes IPv4 only (vif-route's src is {mainIp}); ip= has {v6}");
        var actions = new List<HostAction>(Tap(plan));
        if (plan.Mtu is { } mtu)
            actions.Add(new SetMtu(plan.TapName, mtu));
        actions.Add(new AddAddress(plan.TapName, mainIp + "/32"));
        actions.Add(new LinkUp(plan.TapName));
        actions.Add(new EnableProxyArp(plan.TapName));
        foreach (var a in plan.Addresses)
            actions.Add(new AddRoute(a.PrefixLength == 32 ? a.Address.ToString() : a.ToString(), plan.TapName, mainIp, RouteMetric(plan)));
        return actions;
    }
}
