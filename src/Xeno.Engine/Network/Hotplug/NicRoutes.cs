using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Api;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Network.Hotplug;

/// <summary>The API routes that change a running domain's NICs (ApiRoutes: /nics, /nics/detach), mapped beside ApiServer's.</summary>
internal static class NicRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    public static void Map(WebApplication app, DomainEngine engine)
    {
        // Device changes must not be cancelled halfway through (a NIC added, its record not).
        app.MapPost(ApiRoutes.Domain + "/nics", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.NicAttachRequest, c);
            await engine.AttachNicAsync(dom, body, CancellationToken.None);
            return ApiServer.Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/nics/detach", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.NicDetachRequest, c);
            await engine.DetachNicAsync(dom, body, CancellationToken.None);
            return ApiServer.Ok();
        }));
    }
}
