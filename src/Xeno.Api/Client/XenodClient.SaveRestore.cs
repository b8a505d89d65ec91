using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>xl save and xl restore.</summary>
public sealed partial class XenodClient
{
    public Task<SaveDomainResponse> SaveDomainAsync(string dom, SaveDomainRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, DomainPath(dom) + "/save", Body(request, Json.SaveDomainRequest), Json.SaveDomainResponse, cancel);

    public Task<CreateDomainResponse> RestoreDomainAsync(RestoreDomainRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "domains/restore", Body(request, Json.RestoreDomainRequest), Json.CreateDomainResponse, cancel);
}
