namespace Xeno.Api.Contracts;

/// <summary>
/// One NIC of a domain (GET /v1/domains/{dom}/nics; xl network-list), with the values libxl's
/// libxl_device_nic_getinfo reads from xenstore. Under QEMU there is no event channel nor ring
/// grant: those are -1, as xl prints a value it cannot read.
/// </summary>
public sealed record NicInfo
{
    public required int Devid { get; init; }
    public required int BackendId { get; init; }
    /// <summary>Lower-case "xx:xx:xx:xx:xx:xx".</summary>
    public required string Mac { get; init; }
    /// <summary>The frontend's xenbus state (4 = connected).</summary>
    public required int State { get; init; }
    public required int EventChannel { get; init; }
    public required int TxRingRef { get; init; }
    public required int RxRingRef { get; init; }
    /// <summary>/local/domain/0/backend/vif/&lt;domid&gt;/&lt;devid&gt;.</summary>
    public required string BackendPath { get; init; }
    /// <summary>The host interface (vif&lt;domid&gt;.&lt;devid&gt; or vifname=).</summary>
    public required string Interface { get; init; }
    /// <summary>"vif" or "ioemu", as configured.</summary>
    public required string Type { get; init; }
    public required string Model { get; init; }
    public required string Bridge { get; init; }
    public required string Script { get; init; }
    public string? Ip { get; init; }
}
