using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Api;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Devices.Block;

/// <summary>The API routes of virtual block devices (ApiRoutes: /disks, /cdrom/*), mapped beside ApiServer's.</summary>
internal static class BlockRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    public static void Map(WebApplication app, DomainEngine engine)
    {
        app.MapGet(ApiRoutes.Domain + "/disks", (string dom, CancellationToken c) => ApiServer.Guard(async () =>
            TypedResults.Json(new BlockDeviceList { Devices = await engine.ListDisksAsync(dom, c) }, Json.BlockDeviceList)));
        // Device changes must not be cancelled halfway through (a device added, its record not).
        app.MapPost(ApiRoutes.Domain + "/disks", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.BlockAttachRequest, c);
            await engine.AttachDiskAsync(dom, body, CancellationToken.None);
            return ApiServer.Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/disks/detach", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.BlockDetachRequest, c);
            await engine.DetachDiskAsync(dom, body, CancellationToken.None);
            return ApiServer.Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/cdrom/insert", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.CdInsertRequest, c);
            await engine.ChangeCdAsync(dom, body.Vdev, body.Path, body.Format, CancellationToken.None);
            return ApiServer.Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/cdrom/eject", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.CdEjectRequest, c);
            await engine.ChangeCdAsync(dom, body.Vdev, null, "empty", CancellationToken.None);
            return ApiServer.Ok();
        }));
    }
}
