using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;
using Xeno.Engine.Guests;

namespace Xeno.Engine.Api;

/// <summary>
/// The autoinstaller and the chain-load CD, run by xenod (xl guest-install and
/// guest-chainload-cd are clients of these; so is the web console's create page):
/// POST /v1/guests/install answers 202 with an operation, GET /v1/guests/install/{id} follows it;
/// POST /v1/guests/chainload-cd answers the cached ISO's path.
/// </summary>
internal static class GuestInstallRoutes
{
    /// <summary>Where xenod caches built chain-load CDs, under var/lib/xeno.</summary>
    public const string ChainloadCdFolder = "chainload-cd";

    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    // One build at a time: the builder's work folder is named by xenod's process id.
    private static readonly SemaphoreSlim ChainloadGate = new(1, 1);

    public static void Map(WebApplication app, DomainEngine engine)
    {
        var installs = new GuestInstalls(engine);
        app.MapPost("/v1/guests/install", (HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.GuestInstallRequest, c);
            var operation = await installs.StartAsync(body);
            return TypedResults.Json(operation, Json.GuestInstallOperation, statusCode: 202);
        }));
        app.MapGet("/v1/guests/install/{id}", (string id) => ApiServer.Guard(() =>
            Task.FromResult<IResult>(TypedResults.Json(installs.Get(id), Json.GuestInstallOperation))));
        app.MapPost("/v1/guests/chainload-cd", (CancellationToken c) => ApiServer.Guard(async () =>
        {
            await ChainloadGate.WaitAsync(c);
            try
            {
                var cache = Path.Combine(engine.Paths.Layout.LibDir, ChainloadCdFolder);
                var iso = await Task.Run(() => new ChainloadCdBuilder(cache).Build(), CancellationToken.None);
                return TypedResults.Json(new ChainloadCdResponse { Path = iso }, Json.ChainloadCdResponse);
            }
            catch (Exception e) when (e is ChainloadCdException or IOException or UnauthorizedAccessException)
            {
                throw new EngineException(EngineErrorKind.Failed, e.Message, e);
            }
            finally
            {
                ChainloadGate.Release();
            }
        }));
    }
}
