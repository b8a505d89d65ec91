namespace Xeno.Network.Planning;

/// <summary>How a vif reaches the host's networks, chosen from its <c>script=</c> as Xen does.</summary>
public enum VifMode
{
    /// <summary>vif-bridge (Xen's default): the tap is a port of a host bridge.</summary>
    Bridge,
    /// <summary>vif-route: the tap carries the host's main address /32; /32 routes and proxy ARP per <c>ip=</c>.</summary>
    Route,
    /// <summary>vif-nat: the host is the guest's router (net-policy builds this mode).</summary>
    Nat,
    /// <summary>Any other script: the admin's own, run with Xen's hotplug contract (net-hotplug runs it).</summary>
    CustomScript,
}
