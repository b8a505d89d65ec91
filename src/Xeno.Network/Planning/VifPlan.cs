namespace Xeno.Network.Planning;

/// <summary>A vif's rate limit as netback gets it: bytes per interval.</summary>
public sealed record VifRateLimit(long BytesPerInterval, long IntervalUsecs);

/// <summary>
/// One vif decided: the host tap, the guest NIC QEMU shows, the mode and what the mode needs.
/// Pure values from the config, the domid and the guest kind; host facts (does the bridge
/// exist, the route mode's main address) are resolved later by <see cref="VifHostActions"/>.
/// </summary>
public sealed record VifPlan
{
    public required int Devid { get; init; }
    /// <summary>The host tap: vif&lt;domid&gt;.&lt;devid&gt; or vifname= (checked: at most 15 bytes, a valid Linux name).</summary>
    public required string TapName { get; init; }
    /// <summary>The guest's MAC, lower-case "xx:xx:xx:xx:xx:xx".</summary>
    public required string Mac { get; init; }
    /// <summary>mtu=; null = the bridge's (vif-bridge) or the kernel's default.</summary>
    public int? Mtu { get; init; }
    /// <summary>QEMU's -device model (virtio-net-pci, rtl8139, e1000, ...).</summary>
    public required string QemuModel { get; init; }
    /// <summary>True for an emulated (ioemu) NIC, false for the paravirtual one.</summary>
    public bool Emulated => QemuModel != NicModels.Virtio;
    /// <summary>"vif" or "ioemu", as the config says (xenstore's type is vif or vif_ioemu).</summary>
    public required string Type { get; init; }
    public required VifMode Mode { get; init; }
    /// <summary>The script's full path (/etc/xen/scripts/vif-bridge for the default).</summary>
    public required string ScriptPath { get; init; }
    /// <summary>bridge= as configured (Xen writes it even in route mode; only bridge mode uses it).</summary>
    public required string Bridge { get; init; }
    /// <summary>ip= parsed; the text as written stays in <see cref="IpText"/> for xenstore and scripts.</summary>
    public IReadOnlyList<VifAddress> Addresses { get; init; } = [];
    public string? IpText { get; init; }
    /// <summary>gatewaydev= (netdev=): route mode's uplink; null = eth0, as vif-route.</summary>
    public string? GatewayDev { get; init; }
    public VifRateLimit? Rate { get; init; }
    public string? VifName { get; init; }
}
