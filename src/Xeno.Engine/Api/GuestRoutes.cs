using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xeno.Api.Contracts;
using Xeno.Boot;
using Xeno.Boot.Conversion;
using Xeno.Engine.Domains;
using Xeno.GuestDisks;

namespace Xeno.Engine.Api;

/// <summary>POST /v1/guests/convert: xl guest-convert through the API (the web console's PV/HVM switch), refused for a disk in use.</summary>
internal static class GuestRoutes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    // One conversion at a time: two at once on one disk would interleave debugfs runs.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static void Map(WebApplication app, DomainEngine engine)
    {
        app.MapPost("/v1/guests/convert", (HttpRequest request, CancellationToken c) => ApiServer.Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.GuestConvertRequest, c);
            var target = body.Type switch
            {
                "pv" or "pvh" => GuestBootType.Pv,
                "hvm" => GuestBootType.Hvm,
                _ => throw new EngineException(EngineErrorKind.Invalid, $"request field \"type\" must be pv, pvh or hvm, not \"{body.Type}\""),
            };
            if (!Path.IsPathFullyQualified(body.Disk))
                throw new EngineException(EngineErrorKind.Invalid, "request field \"disk\" must be an absolute path");
            if (body.Backup is not null && !Path.IsPathFullyQualified(body.Backup))
                throw new EngineException(EngineErrorKind.Invalid, "request field \"backup\" must be an absolute path");
            var disk = Path.GetFullPath(body.Disk);
            // Not cancelled halfway: a client that went away must not leave a half-written disk.
            await Gate.WaitAsync(c);
            try
            {
                foreach (var d in await engine.ListAsync(CancellationToken.None))
                {
                    if (d.Spec.Disks.Any(x => x.Target is not null && Path.GetFullPath(x.Target) == disk))
                        throw new EngineException(EngineErrorKind.Conflict, $"{disk} is in use by domain {d.Domid} ({d.Name}): shut it down first");
                }
                GuestConversionResult result;
                try
                {
                    result = await Task.Run(() => GuestConverter.Convert(disk, target, body.DryRun, body.Backup, DateTime.UtcNow), CancellationToken.None);
                }
                catch (Exception e) when (e is ConversionRefusedException or BootException or IOException or UnauthorizedAccessException)
                {
                    throw new EngineException(EngineErrorKind.Invalid, $"{disk}: {e.Message}", e);
                }
                catch (DebugfsException e)
                {
                    throw new EngineException(EngineErrorKind.Failed, $"{disk}: {e.Message}", e);
                }
                return TypedResults.Json(new GuestConvertResponse
                {
                    Distribution = result.Plan.Distribution,
                    Location = result.Location,
                    FileSystem = result.FileSystem,
                    BootSetup = result.Plan.BootSetup,
                    InitSystems = [.. result.Plan.InitSystems],
                    Notes = [.. result.Plan.Notes],
                    Changes = result.Plan.Changes.Count,
                    Diff = result.Plan.Diff(),
                    Backup = result.Backup,
                }, Json.GuestConvertResponse);
            }
            finally
            {
                Gate.Release();
            }
        }));
    }
}
