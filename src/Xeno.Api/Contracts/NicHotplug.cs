using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>
/// POST /v1/domains/{dom}/nics (xl network-attach): the NIC's settings as xl's arguments
/// (<c>bridge=xenbr0</c>, <c>mac=…</c>, one per entry) and xl.conf's <c>vif.default.*</c>, which
/// the arguments override. xl parses them first (to print Xen's errors); xenod parses them
/// again, picks the devid and MAC as libxl does, and hot-plugs the NIC.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record NicAttachRequest
{
    public IReadOnlyList<string> Settings { get; init; } = [];
    public string? DefaultBridge { get; init; }
    public string? DefaultScript { get; init; }
    public string? DefaultGatewayDev { get; init; }
    public string? DefaultBackend { get; init; }
}

/// <summary>POST /v1/domains/{dom}/nics/detach (xl network-detach; xl resolves a MAC to the devid).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record NicDetachRequest
{
    public required int Devid { get; init; }
}
