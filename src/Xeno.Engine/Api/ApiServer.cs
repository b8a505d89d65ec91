using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>
/// xenod's HTTP+JSON API on a root-only unix socket (Kestrel's ListenUnixSocket). Routes and
/// shapes are in docs/api.md. Every error answers {"error": text, "kind": ...}.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServer(WebApplication app)
    {
        _app = app;
    }

    public static async Task<ApiServer> StartAsync(string socketPath, DomainEngine engine, DateTimeOffset started, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        File.Delete(socketPath);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.ListenUnixSocket(socketPath));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        Map(app, engine, started);
        await app.StartAsync(cancel);
        // Root only: the socket controls every guest on the host.
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new ApiServer(app);
    }

    private static void Map(WebApplication app, DomainEngine engine, DateTimeOffset started)
    {
        app.MapGet("/v1/host", (CancellationToken c) => Guard(async () =>
            Json(HostFacts.Read(Qemu.Acceleration.AcceleratorSelector.Name(engine.Accelerator.Accelerator), started, await engine.ListAsync(c)))));
        app.MapGet("/v1/log", () => Json(new JsonObject { ["lines"] = new JsonArray(engine.Log.Recent().Select(l => (JsonNode)l).ToArray()) }));
        // xl dmesg -c: the same answer, and the lines it returns are gone from the recent log.
        app.MapPost("/v1/log/clear", () => Json(new JsonObject { ["lines"] = new JsonArray(engine.Log.TakeAll().Select(l => (JsonNode)l).ToArray()) }));
        app.MapGet("/v1/domains", (CancellationToken c) => Guard(async () =>
            Json(new JsonArray((await engine.ListAsync(c)).Select(s => (JsonNode)ApiJson.Domain(s)).ToArray()))));
        app.MapGet("/v1/domains/{dom}", (string dom, CancellationToken c) => Guard(async () =>
            Json(ApiJson.Domain(await engine.GetAsync(dom, c)))));
        app.MapGet("/v1/domains/{dom}/console", (string dom, CancellationToken c) => Guard(async () =>
        {
            var d = await engine.GetAsync(dom, c);
            return Json(ApiJson.ConsoleOutput(engine.Consoles.Recent(d.Domid, d.Files.ConsoleLog)));
        }));
        app.MapPost("/v1/domains", (HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ReadBodyAsync(request, c);
            DomainSpec spec;
            try
            {
                spec = DomainSpecJsonReader.Read(body["spec"]?.ToJsonString() ?? throw new EngineException(EngineErrorKind.Invalid, "request has no \"spec\""));
            }
            catch (DomainSpecJsonException e)
            {
                throw new EngineException(EngineErrorKind.Invalid, e.Message, e);
            }
            spec = WithVncPassword(spec, body);
            bool paused = body["paused"] is JsonValue p && p.TryGetValue<bool>(out var b) && b;
            // The request must not be cancelled halfway through starting QEMU.
            int domid = await engine.CreateAsync(spec, paused, CancellationToken.None);
            return Results.Content(new JsonObject { ["domid"] = domid }.ToJsonString(), "application/json", statusCode: 201);
        }));
        app.MapPost("/v1/domains/{dom}/destroy", (string dom) => Guard(async () =>
        {
            await engine.DestroyAsync(dom, CancellationToken.None);
            return Ok();
        }));
        app.MapPost("/v1/domains/{dom}/pause", (string dom) => Guard(async () =>
        {
            await engine.PauseAsync(dom, true);
            return Ok();
        }));
        app.MapPost("/v1/domains/{dom}/unpause", (string dom) => Guard(async () =>
        {
            await engine.PauseAsync(dom, false);
            return Ok();
        }));
        app.MapPost("/v1/domains/{dom}/rename", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ReadBodyAsync(request, c);
            var name = body["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new EngineException(EngineErrorKind.Invalid, "request has no \"name\"");
            await engine.RenameAsync(dom, name);
            return Ok();
        }));
        app.MapPost("/v1/domains/{dom}/memory/target", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ReadBodyAsync(request, c);
            await engine.SetMemoryTargetAsync(dom, RequiredLong(body, "target_kb"), CancellationToken.None);
            return Ok();
        }));
        app.MapPost("/v1/domains/{dom}/memory/max", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ReadBodyAsync(request, c);
            await engine.SetMemoryMaxAsync(dom, RequiredLong(body, "max_kb"), CancellationToken.None);
            return Ok();
        }));
        app.MapPost("/v1/domains/{dom}/vcpus/pin", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
        {
            var body = await ReadBodyAsync(request, c);
            int? vcpu = body["vcpu"] is null ? null
                : body["vcpu"] is JsonValue v && v.TryGetValue<int>(out var n) ? n
                : throw new EngineException(EngineErrorKind.Invalid, "\"vcpu\" must be a number or null (all vCPUs)");
            await engine.PinVcpuAsync(dom, vcpu, CpuSet(body, "hard"), CpuSet(body, "soft"), CancellationToken.None);
            return Ok();
        }));
        foreach (var (route, reboot) in new[] { ("shutdown", false), ("reboot", true) })
        {
            app.MapPost($"/v1/domains/{{dom}}/{route}", (string dom, HttpRequest request, CancellationToken c) => Guard(async () =>
            {
                var body = await ReadBodyAsync(request, c);
                bool fallback = body["acpi_fallback"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
                var method = await engine.ShutdownAsync(dom, reboot, fallback, c);
                return Json(new JsonObject { ["method"] = method });
            }));
        }
    }

    /// <summary>
    /// The spec's JSON never carries the VNC password (only password_set); the request brings it
    /// as "vnc_password". A spec that says it has one but arrives without it is refused, so a
    /// display meant to be locked never starts open.
    /// </summary>
    internal static DomainSpec WithVncPassword(DomainSpec spec, JsonObject body)
    {
        string? password = body["vnc_password"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        bool announced = (body["spec"] as JsonObject)?["vnc"] is JsonObject vnc
                         && vnc["password_set"] is JsonValue set && set.TryGetValue<bool>(out var b) && b;
        if (announced && string.IsNullOrEmpty(password))
            throw new EngineException(EngineErrorKind.Invalid, "the config sets vncpasswd= but the request has no \"vnc_password\"");
        return string.IsNullOrEmpty(password) ? spec : spec with { Vnc = spec.Vnc with { Password = password } };
    }

    internal static long RequiredLong(JsonObject body, string key) =>
        body[key] is JsonValue v && v.TryGetValue<long>(out var n)
            ? n
            : throw new EngineException(EngineErrorKind.Invalid, $"request has no number \"{key}\"");

    /// <summary>A CPU set as a JSON array of CPU numbers; absent or null leaves that affinity unchanged.</summary>
    internal static IReadOnlySet<int>? CpuSet(JsonObject body, string key)
    {
        if (body[key] is null)
            return null;
        if (body[key] is not JsonArray array)
            throw new EngineException(EngineErrorKind.Invalid, $"\"{key}\" must be an array of CPU numbers or null");
        var cpus = new SortedSet<int>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue<int>(out var cpu) || cpu < 0 || cpu >= Qemu.Interop.CpuAffinity.MaxCpus)
                throw new EngineException(EngineErrorKind.Invalid, $"\"{key}\" holds something that is not a CPU number: {item?.ToJsonString() ?? "null"}");
            cpus.Add(cpu);
        }
        return cpus;
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength is null or 0)
            return [];
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancel);
            return node as JsonObject ?? throw new EngineException(EngineErrorKind.Invalid, "request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new EngineException(EngineErrorKind.Invalid, $"request body is not JSON: {e.Message}", e);
        }
    }

    private static async Task<IResult> Guard(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (EngineException e)
        {
            return Results.Content(ApiJson.Error(e).ToJsonString(), "application/json", statusCode: ApiJson.Status(e.Kind));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else is a bug or a host failure; the client still gets a readable answer.
            var error = new EngineException(EngineErrorKind.Failed, e.Message, e);
            return Results.Content(ApiJson.Error(error).ToJsonString(), "application/json", statusCode: 500);
        }
    }

    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json");

    private static IResult Ok() => Results.Content("{}", "application/json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
