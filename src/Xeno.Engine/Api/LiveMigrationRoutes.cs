using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>The routes of xl migrate and xl migrate-receive (docs/migration.md).</summary>
internal static class LiveMigrationRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    /// <param name="fds">xenod's descriptor inbox: a request's fd_token names the channel xl handed over there.</param>
    public static void Map(WebApplication app, DomainEngine engine, Migration.FdInbox? fds)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle? Channel(string? token) => token switch
        {
            null => null,
            _ when fds is null => throw new EngineException(EngineErrorKind.Invalid, "this xenod has no descriptor inbox: fd_token cannot be used"),
            _ => fds.Take(token),
        };

        app.MapPost(ApiRoutes.Domain + "/migrate/describe", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
            TypedResults.Json(await engine.LiveMigration.DescribeAsync(dom, request.Query["copy_storage"] == "true", c), Json.MigrationDescription)));
        app.MapGet(ApiRoutes.Domain + "/migrate/progress", (string dom, CancellationToken c) => ApiServer.Guard(async () =>
            TypedResults.Json(await engine.LiveMigration.ProgressAsync(dom, c), Json.MigrationProgress)));
        // The send and the receive run to their end even if xl went away: QEMU's outcome decides
        // the guest's state (stopped after a completed send, running after a failed one).
        app.MapPost(ApiRoutes.Domain + "/migrate/send", (string dom, HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.MigrationSendRequest, c);
            var figures = await engine.LiveMigration.SendAsync(dom, body.SocketPath, body.NbdSocketPath, CancellationToken.None, Channel(body.FdToken));
            return TypedResults.Json(figures, Json.MigrationSendResponse);
        }));
        app.MapPost(ApiRoutes.Domains + "/incoming", (HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.MigrationReceiveRequest, c);
            int domid = await engine.LiveMigration.ReceiveAsync(body.StateJson, body.SocketPath, body.NbdSocketPath, CancellationToken.None, Channel(body.FdToken));
            return TypedResults.Json(new CreateDomainResponse { Domid = domid }, Json.CreateDomainResponse, statusCode: 201);
        }));
    }
}
