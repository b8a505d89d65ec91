using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>Guest-side tools: xl guest-convert.</summary>
public sealed partial class XenodClient
{
    public Task<GuestConvertResponse> ConvertGuestAsync(GuestConvertRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "guests/convert", Body(request, Json.GuestConvertRequest), Json.GuestConvertResponse, cancel);
}
