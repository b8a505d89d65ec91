using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>The routes of xl save and xl restore (docs/migration.md).</summary>
internal static class SaveRestoreRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    public static void Map(WebApplication app, DomainEngine engine)
    {
        // Neither may be cancelled halfway (a client that went away must not leave a stopped guest).
        app.MapPost(ApiRoutes.Domain + "/save", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.SaveDomainRequest, c);
            // A config given to xl save is stored in the file instead of the domain's own.
            var config = ConfigOf(body.Spec, body.VncPassword);
            var info = await engine.SaveAsync(dom, body.Path, body.Checkpoint, body.LeavePaused, config, CancellationToken.None);
            return TypedResults.Json(new SaveDomainResponse { Info = info }, Json.SaveDomainResponse);
        }));
        app.MapPost(ApiRoutes.Domains + "/restore", (HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.RestoreDomainRequest, c);
            // A config given to xl restore replaces the stored one.
            var config = ConfigOf(body.Spec, body.VncPassword);
            int domid = await engine.RestoreAsync(body.Path, body.Paused, config, CancellationToken.None);
            return TypedResults.Json(new CreateDomainResponse { Domid = domid }, Json.CreateDomainResponse, statusCode: 201);
        }));
    }

    /// <summary>A config file's domain sent with save or restore, read as a create request's spec; null when none was given.</summary>
    private static Xeno.Config.Domain.DomainSpec? ConfigOf(System.Text.Json.JsonElement? spec, string? vncPassword)
    {
        if (spec is not { } json)
            return null;
        var given = new CreateDomainRequest { Spec = json, VncPassword = vncPassword };
        return ApiServer.WithVncPassword(ApiServer.ReadSpec(given), given);
    }
}
