using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>Guest-side tools: xl guest-install (an operation to follow) and xl guest-chainload-cd.</summary>
public sealed partial class XenodClient
{
    /// <summary>Checks the request and starts the install; a refusal has made nothing.</summary>
    public Task<GuestInstallOperation> StartGuestInstallAsync(GuestInstallRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "guests/install", Body(request, Json.GuestInstallRequest), Json.GuestInstallOperation, cancel);

    public Task<GuestInstallOperation> GetGuestInstallAsync(string id, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, "guests/install/" + Uri.EscapeDataString(id), null, Json.GuestInstallOperation, cancel);

    /// <summary>The cached chain-load CD's path on the host, built by xenod if missing.</summary>
    public Task<ChainloadCdResponse> BuildChainloadCdAsync(CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "guests/chainload-cd", null, Json.ChainloadCdResponse, cancel);
}
