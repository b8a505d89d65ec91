using System.Globalization;

namespace Xeno.Network.Host;

/// <summary>
/// One change to the host for a vif, as an argument vector (no shell), with the vector that
/// undoes it. <see cref="Undo"/> is null when removing an earlier action (the tap) takes this
/// one along: addresses, routes, bridge membership and sysctls of a deleted interface vanish with it.
/// Other parts (nft rules, rate limits) add their own records of this type to a vif's list.
/// </summary>
public abstract record HostAction
{
    public abstract IReadOnlyList<string> Command { get; }
    public virtual IReadOnlyList<string>? Undo => null;
    /// <summary>The command as a log line.</summary>
    public sealed override string ToString() => string.Join(' ', Command);
}

/// <summary>A persistent tap owned by xenod (ip tuntap), so it exists before QEMU opens it and outlives a QEMU restart of xenod.</summary>
public sealed record CreateTap(string Name) : HostAction
{
    public override IReadOnlyList<string> Command => ["ip", "tuntap", "add", "dev", Name, "mode", "tap"];
    public override IReadOnlyList<string>? Undo => ["ip", "tuntap", "del", "dev", Name, "mode", "tap"];
}

public sealed record LinkDown(string Device) : HostAction
{
    public override IReadOnlyList<string> Command => ["ip", "link", "set", "dev", Device, "down"];
}

/// <summary>The host side's own MAC: fe:ff:ff:ff:ff:ff, as netback and vif-bridge set it (never chosen as the bridge's own address).</summary>
public sealed record SetLinkAddress(string Device, string Mac) : HostAction
{
    public const string BackendMac = "fe:ff:ff:ff:ff:ff";
    public override IReadOnlyList<string> Command => ["ip", "link", "set", "dev", Device, "address", Mac];
}

public sealed record FlushAddresses(string Device) : HostAction
{
    public override IReadOnlyList<string> Command => ["ip", "address", "flush", "dev", Device];
}

public sealed record SetMtu(string Device, int Mtu) : HostAction
{
    public override IReadOnlyList<string> Command => ["ip", "link", "set", "dev", Device, "mtu", Mtu.ToString(CultureInfo.InvariantCulture)];
}

public sealed record JoinBridge(string Device, string Bridge) : HostAction
{
    public override IReadOnlyList<string> Command => ["ip", "link", "set", "dev", Device, "master", Bridge];
}

public sealed record LinkUp(string Device) : HostAction
{
    public override IReadOnlyList<string> Command => ["ip", "link", "set", "dev", Device, "up"];
}

/// <summary>An address on the host side of the tap (route mode: the main address as /32).</summary>
public sealed record AddAddress(string Device, string Cidr) : HostAction
{
    public override IReadOnlyList<string> Command => ["ip", "address", "add", Cidr, "dev", Device];
}

/// <summary>proxy_arp=1 on the tap. sysctl's dotted key writes '/' for a '.' inside a name (vif3.0 → vif3/0).</summary>
public sealed record EnableProxyArp(string Device) : HostAction
{
    public override IReadOnlyList<string> Command => ["sysctl", "-q", "-w", $"net.ipv4.conf.{Device.Replace('.', '/')}.proxy_arp=1"];
}

/// <summary>vif-route's per-address route: <c>ip route add &lt;addr&gt; dev &lt;vif&gt; src &lt;main_ip&gt; metric &lt;n&gt;</c>.</summary>
public sealed record AddRoute(string Destination, string Device, string Source, int Metric) : HostAction
{
    public override IReadOnlyList<string> Command =>
        ["ip", "route", "add", Destination, "dev", Device, "src", Source, "metric", Metric.ToString(CultureInfo.InvariantCulture)];
}
