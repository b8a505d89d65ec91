namespace Xeno.Config.Specs;

/// <summary>A vif rate limit as the backend gets it: <c>rate = "&lt;bytes&gt;,&lt;usecs&gt;"</c>.</summary>
public sealed record VifRate(long BytesPerInterval, long IntervalUsecs)
{
    /// <summary>The xenstore backend value, e.g. "20000,20000".</summary>
    public string ToBackendValue() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{BytesPerInterval},{IntervalUsecs}");
}

/// <summary>One parsed <c>vif=</c> entry (or <c>xl network-attach</c> arguments).
/// Null means "not given": the caller applies xl.conf / libxl defaults.</summary>
public sealed record VifSpec
{
    /// <summary>Explicit devid=; else the caller uses the list index.</summary>
    public int? Devid { get; init; }
    /// <summary>Lower-case "xx:xx:xx:xx:xx:xx"; null = random at build time (also for an all-zero MAC, as in libxl).</summary>
    public string? Mac { get; init; }
    public string? Bridge { get; init; }
    /// <summary>Space-separated addresses, passed to the hotplug script.</summary>
    public string? Ip { get; init; }
    public string? Script { get; init; }
    /// <summary>"vif" | "ioemu".</summary>
    public string? Type { get; init; }
    public string? Model { get; init; }
    public string? VifName { get; init; }
    public VifRate? Rate { get; init; }
    public int? Mtu { get; init; }
    /// <summary>backend= driver domain name.</summary>
    public string? Backend { get; init; }
    /// <summary>gatewaydev= (or the deprecated netdev=).</summary>
    public string? GatewayDev { get; init; }
    /// <summary>forwarddev= (COLO).</summary>
    public string? ForwardDev { get; init; }
    /// <summary>trusted / untrusted; null = default (trusted).</summary>
    public bool? Trusted { get; init; }
    /// <summary>vlan= as written; <see cref="VlanSpec"/> holds it decoded.</summary>
    public string? Vlan { get; init; }
    public VlanSpec? VlanSpec { get; init; }
    /// <summary>The COLO proxy keys (colo_sock_*, colo_filter_*, colo_compare_*, colo_checkpoint_*), by key.</summary>
    public IReadOnlyDictionary<string, string> Colo { get; init; } = new Dictionary<string, string>();
}

/// <summary>Where a vif spec comes from; xl treats bad tokens differently in each.</summary>
public enum VifSpecSource
{
    /// <summary><c>vif=[…]</c> in a config: comma-separated; xl create prints problems with
    /// type=, mac= and unknown tokens but carries on (they land in Warnings).</summary>
    ConfigFile,
    /// <summary><c>xl network-attach</c> arguments: any rejected token is fatal.</summary>
    CommandLine,
}
