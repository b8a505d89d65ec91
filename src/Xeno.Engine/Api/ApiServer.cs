using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xeno.Api.Contracts;
using Xeno.Api.OpenApi;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Engine.Events;

namespace Xeno.Engine.Api;

/// <summary>
/// xenod's HTTP+JSON API on a root-only (or root-and-one-group) unix socket (Kestrel's ListenUnixSocket). The routes
/// are <see cref="ApiRoutes.All"/> (docs/api.md); every body is a Xeno.Api contract type
/// written and read through the source-generated <see cref="ApiJsonContext"/>. Every error
/// answers an <see cref="ApiError"/>.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;
    private readonly WebApplication _app;
    private readonly Migration.FdInbox _fds;

    private ApiServer(WebApplication app, Migration.FdInbox fds)
    {
        _app = app;
        _fds = fds;
    }

    /// <summary>What the server has mapped (tests compare it with <see cref="ApiRoutes.All"/> and docs/api.md).</summary>
    public IReadOnlyList<(string Method, string Path)> MappedRoutes =>
        [.. ((IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))];

    /// <param name="socketGroup">A group given the socket (0660) besides root (<see cref="ApiSocketAccess"/>); null: root only.</param>
    public static async Task<ApiServer> StartAsync(string socketPath, DomainEngine engine, DateTimeOffset started, CancellationToken cancel = default,
        EventLog? events = null, string? socketGroup = null)
    {
        uint? gid = socketGroup is null ? null : ApiSocketAccess.ResolveGroup(socketGroup);
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        File.Delete(socketPath);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.ListenUnixSocket(socketPath));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        // Console and VNC viewers attach over a WebSocket (ConsoleAttachRoute, VncRoute).
        app.UseWebSockets();
        // Beside the API socket: where xl hands over a migration channel (docs/api.md).
        var fds = Migration.FdInbox.Start(socketPath, Qemu.Interop.UnixRights.EffectiveUserId());
        Map(app, engine, started, fds);
        if (events is not null) EventRoutes.Map(app, events);
        try
        {
            await app.StartAsync(cancel);
        }
        catch
        {
            fds.Dispose();
            throw;
        }
        // Root only (or root and the socket group): the socket controls every guest on the host.
        if (OperatingSystem.IsLinux())
            ApiSocketAccess.Apply(socketPath, gid);
        return new ApiServer(app, fds);
    }

    private static void Map(WebApplication app, DomainEngine engine, DateTimeOffset started, Migration.FdInbox fds)
    {
        var openApi = new Lazy<string>(() => OpenApiDocument.Build(typeof(ApiServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0").ToJsonString());
        app.MapGet("/v1/openapi.json", () => Results.Content(openApi.Value, "application/json"));
        // The guests are listed in the same request so the host's memory adds up with theirs.
        app.MapGet("/v1/host", () => Guard(() =>
            Task.FromResult<IResult>(TypedResults.Json(HostFacts.Read(Qemu.Acceleration.AcceleratorSelector.Name(engine.Accelerator.Accelerator), started, engine.MemoryUse()) with { XenScheduler = engine.Scheduler.Name }, Json.HostInfo))));
        app.MapGet("/v1/log", () => TypedResults.Json(new LogResponse { Lines = engine.Log.Recent() }, Json.LogResponse));
        // xl dmesg -c: the same answer, and the lines it returns are gone from the recent log.
        app.MapPost("/v1/log/clear", () => TypedResults.Json(new LogResponse { Lines = engine.Log.TakeAll() }, Json.LogResponse));
        app.MapGet(ApiRoutes.Domains, (CancellationToken c) => Guard(async () =>
            TypedResults.Json<IReadOnlyList<DomainInfo>>([.. (await engine.ListAsync(c)).Select(ApiContractMapper.Domain)], Json.IReadOnlyListDomainInfo)));
        app.MapGet(ApiRoutes.Domain, (string dom, CancellationToken c) => Guard(async () =>
            TypedResults.Json(ApiContractMapper.Domain(await engine.GetAsync(dom, c)), Json.DomainInfo)));
        app.MapGet(ApiRoutes.Domain + "/console", (string dom, CancellationToken c) => Guard(async () =>
        {
            var d = await engine.GetAsync(dom, c);
            return TypedResults.Json(ApiContractMapper.ConsoleOutput(engine.Consoles.Recent(d.Domid, d.Files.ConsoleLog)), Json.ConsoleOutput);
        }));
        app.MapGet(ApiRoutes.Domain + "/nics", (string dom, CancellationToken c) => Guard(async () =>
            TypedResults.Json(Network.Hotplug.NicListing.Of(await engine.GetAsync(dom, c)), Json.IReadOnlyListNicInfo)));
        app.MapPost(ApiRoutes.Domains, (HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.CreateDomainRequest, c);
            var spec = WithVncPassword(ReadSpec(body), body);
            // The request must not be cancelled halfway through starting QEMU.
            int domid = await engine.CreateAsync(spec, body.Paused, CancellationToken.None);
            return TypedResults.Json(new CreateDomainResponse { Domid = domid }, Json.CreateDomainResponse, statusCode: 201);
        }));
        app.MapPost(ApiRoutes.Domain + "/destroy", (string dom) => Guard(async () =>
        {
            await engine.DestroyAsync(dom, CancellationToken.None);
            return Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/pause", (string dom) => Guard(async () =>
        {
            await engine.PauseAsync(dom, true);
            return Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/unpause", (string dom) => Guard(async () =>
        {
            await engine.PauseAsync(dom, false);
            return Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/rename", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.RenameDomainRequest, c);
            await engine.RenameAsync(dom, body.Name);
            return Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/memory/target", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.MemoryTargetRequest, c);
            await engine.SetMemoryTargetAsync(dom, body.TargetKb, CancellationToken.None);
            return Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/memory/max", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.MemoryMaxRequest, c);
            await engine.SetMemoryMaxAsync(dom, body.MaxKb, CancellationToken.None);
            return Ok();
        }));
        app.MapPost(ApiRoutes.Domain + "/vcpus/pin", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ApiRequestBody.ReadAsync(request, Json.VcpuPinRequest, c);
            await engine.PinVcpuAsync(dom, body.Vcpu, CpuSet(body.Hard, "hard"), CpuSet(body.Soft, "soft"), CancellationToken.None);
            return Ok();
        }));
        Devices.Block.BlockRoutes.Map(app, engine);
        Network.Hotplug.NicRoutes.Map(app, engine);
        SchedulingRoutes.Map(app, engine);
        foreach (var (route, reboot) in new[] { ("shutdown", false), ("reboot", true) })
        {
            app.MapPost($"{ApiRoutes.Domain}/{route}", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
            {
                var body = await ApiRequestBody.ReadAsync(request, Json.ShutdownRequest, c);
                var method = await engine.ShutdownAsync(dom, reboot, body.AcpiFallback, c);
                return TypedResults.Json(new ShutdownResponse { Method = ApiContractMapper.Method(method) }, Json.ShutdownResponse);
            }));
        }
        RuntimeControlRoutes.Map(app, engine, started);
        MetricsRoutes.Map(app, engine, started);
        SaveRestoreRoutes.Map(app, engine);
        LiveMigrationRoutes.Map(app, engine, fds);
        ConsoleAttachRoute.Map(app, engine);
        VncRoute.Map(app, engine);
        GuestRoutes.Map(app, engine);
        GuestInstallRoutes.Map(app, engine);
        // GET /v1/events is mapped beside these by its own file (EventRoutes.Map) when it lands.
        app.MapFallback((HttpRequest request) => Error(ApiErrorKind.NotFound, $"no route {request.Method} {request.Path}"));
    }

    /// <summary>The request's domain JSON (the format of `xl -N create`, read by Xeno.Config).</summary>
    internal static DomainSpec ReadSpec(CreateDomainRequest body)
    {
        if (body.Spec.ValueKind != System.Text.Json.JsonValueKind.Object)
            throw new EngineException(EngineErrorKind.Invalid, "request field \"spec\" must be a JSON object (the domain JSON `xl -N create` prints)");
        try
        {
            return DomainSpecJsonReader.Read(body.Spec);
        }
        catch (DomainSpecJsonException e)
        {
            throw new EngineException(EngineErrorKind.Invalid, e.Message, e);
        }
    }

    /// <summary>
    /// The spec's JSON never carries the VNC password (only password_set); the request brings it
    /// as vnc_password. A spec that says it has one but arrives without it is refused, so a
    /// display meant to be locked never starts open.
    /// </summary>
    internal static DomainSpec WithVncPassword(DomainSpec spec, CreateDomainRequest body)
    {
        bool announced = body.Spec.ValueKind == System.Text.Json.JsonValueKind.Object
                         && body.Spec.TryGetProperty("vnc", out var vnc) && vnc.ValueKind == System.Text.Json.JsonValueKind.Object
                         && vnc.TryGetProperty("password_set", out var set) && set.ValueKind == System.Text.Json.JsonValueKind.True;
        if (announced && string.IsNullOrEmpty(body.VncPassword))
            throw new EngineException(EngineErrorKind.Invalid, "the config sets vncpasswd= but the request has no \"vnc_password\"");
        return string.IsNullOrEmpty(body.VncPassword) ? spec : spec with { Vnc = spec.Vnc with { Password = body.VncPassword } };
    }

    /// <summary>A CPU set from the request; null leaves that affinity unchanged.</summary>
    internal static IReadOnlySet<int>? CpuSet(IReadOnlyList<int>? cpus, string field)
    {
        if (cpus is null)
            return null;
        foreach (var cpu in cpus)
        {
            if (cpu < 0 || cpu >= Qemu.Interop.CpuAffinity.MaxCpus)
                throw new EngineException(EngineErrorKind.Invalid, $"request field \"{field}\" holds something that is not a CPU number: {cpu}");
        }
        return new SortedSet<int>(cpus);
    }

    internal static async Task<IResult> Guard(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (EngineException e)
        {
            return Error(ApiContractMapper.ErrorKind(e.Kind), e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading the body (too large, cut off).
            return Error(ApiErrorKind.Invalid, $"bad request: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else is a bug or a host failure; the client still gets a readable answer.
            return Error(ApiErrorKind.Failed, e.Message);
        }
    }

    private static IResult Error(ApiErrorKind kind, string message) =>
        TypedResults.Json(new ApiError { Error = message, Kind = kind }, Json.ApiError, statusCode: ApiErrorKinds.Status(kind));

    internal static IResult Ok() => TypedResults.Json(EmptyResponse.Instance, Json.EmptyResponse);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _fds.Dispose();
    }
}
