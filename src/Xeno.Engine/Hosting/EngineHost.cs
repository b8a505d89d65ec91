using Xeno.Engine.Api;
using Xeno.Engine.Domains;
using Xeno.Qemu.Acceleration;

namespace Xeno.Engine.Hosting;

/// <summary>
/// A running xenod engine for one prefix: log, accelerator choice (logged once), re-adoption of
/// the previous daemon's guests, then the API socket. Disposing stops the API and supervision;
/// guests keep running for the next xenod.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private EngineHost(DomainEngine engine, ApiServer api, EnginePaths paths)
    {
        Engine = engine;
        Api = api;
        Paths = paths;
    }

    public DomainEngine Engine { get; }
    public ApiServer Api { get; }
    public EnginePaths Paths { get; }

    public static async Task<EngineHost> StartAsync(string prefix, TextWriter? echo = null, EngineOptions? options = null,
        TimeProvider? time = null, CancellationToken cancel = default)
    {
        time ??= TimeProvider.System;
        var paths = new EnginePaths(prefix);
        Directory.CreateDirectory(paths.RunDir);
        var log = new EngineLog(paths.DaemonLog, time, echo);
        var accel = HostAccelerator.Detect();
        log.Info($"xenod starting on {paths.Socket}; accelerator {accel.Reason}");
        var engine = new DomainEngine(paths, log, time, accel, options);
        await engine.RecoverAsync(cancel);
        var api = await ApiServer.StartAsync(paths.Socket, engine, time.GetUtcNow(), cancel);
        await File.WriteAllTextAsync(paths.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n", cancel);
        return new EngineHost(engine, api, paths);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Engine.DisposeAsync();
        File.Delete(Paths.Socket);
        File.Delete(Paths.PidFile);
    }
}
