using System.Net;
using Xeno.Network.Planning;

namespace Xeno.Network.Host;

/// <summary>vif-route's main address: the first primary IPv4 address of netdev (gatewaydev=, default eth0).</summary>
public static class RouteChoice
{
    public const string DefaultNetdev = "eth0";

    public static IPAddress MainIp(string? gatewayDev, HostNetworkFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var dev = string.IsNullOrEmpty(gatewayDev) ? DefaultNetdev : gatewayDev;
        if (facts.Find(dev) is { PrimaryIpv4.Count: > 0 } found)
            return found.PrimaryIpv4[0];
        // vif-common.sh's words, with $netdev as given (empty when defaulted) and $0 the script.
        throw new VifPlanException(
            $"{gatewayDev} is not up.  Bring it up or specify another interface with netdev=<if> as a parameter to {VifScripts.XenScriptDir}/vif-route.");
    }
}
