using System.Globalization;
using Xeno.Api.Contracts;
using Xeno.Boot;
using Xeno.Boot.Conversion;
using Xeno.Engine.Domains;
using Xeno.GuestDisks.Rescue;

namespace Xeno.Engine.Guests;

/// <summary>
/// xenod's PV ↔ HVM conversions (POST /v1/guests/convert): each read, planned and checked at once
/// (refusals throw and change nothing), then run by <see cref="RescueConverter"/> in a helper
/// guest the engine starts and follows (<see cref="EngineHelperGuests"/>), in the background as
/// an operation its client follows by id. One conversion per disk at a time.
/// </summary>
public sealed class GuestConversions(DomainEngine engine)
{
    public const int DefaultTimeoutSeconds = 900;

    private readonly HelperOperations<GuestConvertResponse> _operations = new("conversion");

    public async Task<GuestConvertOperation> StartAsync(GuestConvertRequest request)
    {
        var options = Options(request);
        var disk = Path.GetFullPath(request.Disk);
        var host = new EngineHelperGuests(engine);
        RescueConversion conversion;
        try
        {
            conversion = await Task.Run(() => RescueConverter.CheckAsync(disk, options, host));
        }
        catch (ConversionConflictException e)
        {
            throw new EngineException(EngineErrorKind.Conflict, $"{disk}: {e.Message}", e);
        }
        catch (Exception e) when (e is ConversionRefusedException or BootException or IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineErrorKind.Invalid, $"{disk}: {e.Message}", e);
        }
        var operation = _operations.Add(disk, $"{disk}: another conversion of this disk is running: nothing changed");
        if (!conversion.NeedsHelper)
        {
            operation.Succeed(Response(conversion.Planned));
            return Shape(operation);
        }
        engine.Log.Info($"guest-convert: {disk}: conversion {operation.Id} to {GuestConsoles.Name(options.Target)} started");
        _ = Task.Run(() => RunAsync(conversion, host, operation));
        return Shape(operation);
    }

    public GuestConvertOperation Get(string id) => Shape(_operations.Get(id));

    private async Task RunAsync(RescueConversion conversion, EngineHelperGuests host, HelperOperation<GuestConvertResponse> operation)
    {
        try
        {
            var result = await RescueConverter.RunAsync(conversion, host, operation.Step);
            engine.Log.Info(string.Create(CultureInfo.InvariantCulture, $"guest-convert: {conversion.Disk}: converted, {result.Done.Count} changes, backup {result.Backup}"));
            operation.Succeed(Response(result));
        }
        catch (Exception e)
        {
            // Every failure, a bug's too, must end the operation, or its client would follow it forever.
            engine.Log.Info($"guest-convert: {conversion.Disk}: failed: {e.Message}");
            operation.Fail(e.Message);
        }
    }

    private ConvertOptions Options(GuestConvertRequest r)
    {
        var target = r.Type switch
        {
            "pv" or "pvh" => GuestBootType.Pv,
            "hvm" => GuestBootType.Hvm,
            _ => throw new EngineException(EngineErrorKind.Invalid, $"request field \"type\" must be pv, pvh or hvm, not \"{r.Type}\""),
        };
        foreach (var (field, value) in new[] { ("disk", r.Disk), ("backup", r.Backup), ("kernel", r.Kernel), ("ramdisk", r.Ramdisk) })
        {
            if (value is not null && !Path.IsPathFullyQualified(value))
                throw new EngineException(EngineErrorKind.Invalid, $"request field \"{field}\" must be an absolute path");
        }
        if (r.TimeoutSeconds is < 1)
            throw new EngineException(EngineErrorKind.Invalid, "request field \"timeout_seconds\" must be at least 1");
        var layout = engine.Paths.Layout;
        return new ConvertOptions(target, r.DryRun, r.InstallBootloader,
            Path.GetFullPath(r.Kernel ?? GuestInstallDefaults.Under(layout, Path.Combine(GuestInstallDefaults.RescueDir, "vmlinuz"))),
            Path.GetFullPath(r.Ramdisk ?? GuestInstallDefaults.Under(layout, Path.Combine(GuestInstallDefaults.RescueDir, "initrd.img"))),
            r.Backup is null ? null : Path.GetFullPath(r.Backup),
            TimeSpan.FromSeconds(r.TimeoutSeconds ?? DefaultTimeoutSeconds), DateTime.UtcNow);
    }

    private static GuestConvertResponse Response(RescueConversionResult r) => new()
    {
        Distribution = r.Plan.Distribution,
        Location = r.Location,
        FileSystem = r.FileSystem,
        BootSetup = r.Plan.BootSetup,
        InitSystems = [.. r.Plan.InitSystems],
        Notes = [.. r.Plan.Notes],
        Changes = r.Done.Count,
        Diff = r.Diff(),
        Backup = r.Backup,
        BootloaderInstalled = r.BootloaderInstalled,
    };

    private static GuestConvertOperation Shape(HelperOperation<GuestConvertResponse> o) =>
        o.Snapshot((id, disk, state, steps, error, result) => new GuestConvertOperation { Id = id, Disk = disk, State = state, Steps = steps, Error = error, Result = result });
}
