using Xeno.Engine.Api;
using Xeno.Engine.Domains;
using Xeno.Qemu.Acceleration;
using Xeno.Store.Server;

namespace Xeno.Engine.Hosting;

/// <summary>
/// A running xenod engine for one prefix: log, accelerator choice (logged once), re-adoption of
/// the previous daemon's guests, then the API socket. Disposing stops the API and supervision;
/// guests keep running for the next xenod.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private EngineHost(DomainEngine engine, ApiServer api, EnginePaths paths, XenStoreServer? store, Store.XenstoreWriter? writer)
    {
        Engine = engine;
        Api = api;
        Paths = paths;
        _store = store;
        _writer = writer;
    }

    private readonly XenStoreServer? _store;
    private readonly Store.XenstoreWriter? _writer;

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
        XenStoreServer? store = null;
        Store.XenstoreWriter? writer = null;
        if (options?.EmbeddedXenstore ?? true)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(paths.XenstoreSocket)!);
            store = XenStoreServer.Start(new XenStoreServerOptions
            {
                SocketPath = paths.XenstoreSocket,
                StateDirectory = paths.Layout.XenstoreStateDir,
                DomainSocketDirectory = paths.Layout.XenstoreDomainSocketDir,
            });
            writer = new Store.XenstoreWriter(paths.XenstoreSocket);
            engine.Store = new Store.XenstoreDomainStore(writer);
            log.Info($"xenstore on {paths.XenstoreSocket}");
        }
        await engine.RecoverAsync(cancel);
        var api = await ApiServer.StartAsync(paths.Socket, engine, time.GetUtcNow(), cancel);
        await File.WriteAllTextAsync(paths.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n", cancel);
        return new EngineHost(engine, api, paths, store, writer);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Engine.DisposeAsync();
        _writer?.Dispose();
        if (_store is not null)
            await _store.DisposeAsync();
        File.Delete(Paths.Socket);
        File.Delete(Paths.PidFile);
    }
}
