using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;
using Xeno.Engine.Guests;

namespace Xeno.Engine.Api;

/// <summary>
/// POST /v1/guests/convert: xl guest-convert and the web console's PV/HVM switch. Answers 202
/// with an operation (the helper guest takes minutes under TCG) that GET /v1/guests/convert/{id}
/// follows; refusals answer at once and change nothing.
/// </summary>
internal static class GuestRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    public static void Map(WebApplication app, DomainEngine engine)
    {
        var conversions = new GuestConversions(engine);
        app.MapPost("/v1/guests/convert", (HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.GuestConvertRequest, c);
            // Not cancelled halfway: a client that went away must not leave a half-started helper.
            var operation = await conversions.StartAsync(body);
            return TypedResults.Json(operation, Json.GuestConvertOperation, statusCode: 202);
        }));
        app.MapGet("/v1/guests/convert/{id}", (string id) => ApiServer.Guard(() =>
            Task.FromResult<IResult>(TypedResults.Json(conversions.Get(id), Json.GuestConvertOperation))));
    }
}
