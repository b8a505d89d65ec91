using System.Net;
using Xeno.Config.Specs;
using Xeno.Network.Planning;

namespace Xeno.Network.Host;

/// <summary>
/// <c>xenod network-setup</c>: a bridge for a test host, optionally with an uplink port and an
/// address. An uplink that carries addresses is refused: moving the host's own address is the
/// one-time set-up docs/network.md describes, not something to do under a running ssh session.
/// </summary>
public static class BridgeSetup
{
    public static IReadOnlyList<HostAction> For(string bridge, string? uplink, string? address, HostNetworkFacts facts)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(facts);
        if (InterfaceName.Problem(bridge) is { } bad)
            throw new VifPlanException(bad.Replace("vifname", "bridge name", StringComparison.Ordinal));
        var actions = new List<HostAction>();
        switch (facts.Find(bridge))
        {
            case null:
                actions.Add(new CreateBridge(bridge));
                break;
            case { IsBridge: false }:
                throw new VifPlanException($"{bridge} exists and is not a bridge");
        }
        if (uplink is not null)
        {
            var port = facts.Find(uplink) ?? throw new VifPlanException($"uplink {uplink} does not exist");
            if (port.IsBridge)
                throw new VifPlanException($"uplink {uplink} is a bridge itself");
            if (port.PrimaryIpv4.Count > 0)
                throw new VifPlanException(
                    $"uplink {uplink} has the address {port.PrimaryIpv4[0]}; enslaving it would cut the host off. Move its address to {bridge} in /etc/network/interfaces instead (docs/network.md)");
            actions.Add(new JoinBridge(uplink, bridge));
            actions.Add(new LinkUp(uplink));
        }
        if (address is not null)
        {
            var parsed = VifAddresses.Parse(address);
            if (parsed.Count != 1 || !parsed[0].IsIPv4 || address.IndexOf('/', StringComparison.Ordinal) < 0)
                throw new VifPlanException($"--address {address}: give one IPv4 address with its prefix, e.g. 192.168.50.1/24");
            actions.Add(new AddAddress(bridge, parsed[0].ToString()));
        }
        actions.Add(new LinkUp(bridge));
        return actions;
    }
}
