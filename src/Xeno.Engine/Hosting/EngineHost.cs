using Xeno.Engine.Api;
using Xeno.Engine.Domains;
using Xeno.Engine.Events;
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
    private EngineHost(DomainEngine engine, ApiServer api, EnginePaths paths, XenStoreServer? store, Store.XenstoreWriter? writer,
        EventLog events, FileStream prefixLock)
    {
        _prefixLock = prefixLock;
        Engine = engine;
        Events = events;
        Api = api;
        Paths = paths;
        _store = store;
        _writer = writer;
    }

    private readonly XenStoreServer? _store;
    private readonly FileStream _prefixLock;
    private readonly Store.XenstoreWriter? _writer;
    private Network.Rate.VifRateWatch? _rateWatch;

    public DomainEngine Engine { get; }
    /// <summary>The event log behind GET /v1/events (the engine publishes into it).</summary>
    public EventLog Events { get; }
    public ApiServer Api { get; }
    public EnginePaths Paths { get; }

    public static async Task<EngineHost> StartAsync(string prefix, TextWriter? echo = null, EngineOptions? options = null,
        TimeProvider? time = null, CancellationToken cancel = default)
    {
        time ??= TimeProvider.System;
        // A socket group that does not exist is refused before anything is touched.
        if (options?.ApiSocketGroup is { } group)
            Xeno.Engine.Api.ApiSocketAccess.ResolveGroup(group);
        var paths = new EnginePaths(prefix);
        Directory.CreateDirectory(paths.RunDir);
        // One xenod per prefix, decided before anything is touched (xenstore journal, sockets, QMP).
        var prefixLock = LockPrefix(paths);
        try
        {
            return await StartLockedAsync(paths, prefixLock, echo, options, time, cancel);
        }
        catch
        {
            await prefixLock.DisposeAsync();
            throw;
        }
    }


    private static FileStream LockPrefix(EnginePaths paths)
    {
        FileStream held;
        try
        {
            // FileShare.None is an exclusive flock on Linux: a second xenod (in any process) fails here.
            held = new FileStream(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string pid = "unknown";
            try
            {
                pid = File.ReadAllText(paths.PidFile).Trim();
            }
            catch (IOException)
            {
            }
            throw new PrefixInUseException($"xenod is already running for this prefix (pid {pid})");
        }
        // The pid goes next to the lock at once, so a refused second xenod can name the first.
        File.WriteAllText(paths.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        return held;
    }

    private static async Task<EngineHost> StartLockedAsync(EnginePaths paths, FileStream prefixLock, TextWriter? echo,
        EngineOptions? options, TimeProvider time, CancellationToken cancel)
    {
        var log = new EngineLog(paths.DaemonLog, time, echo);
        var accel = HostAccelerator.Detect();
        log.Info($"xenod starting on {paths.Socket}; accelerator {accel.Reason}");
        OpenFileLimitAtStart.Apply(log);
        var engine = new DomainEngine(paths, log, time, accel, options);
        var events = new EventLog(paths.EventJournal, time, log.Info);
        engine.Events = events;
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
        // Run-time rate= changes, as netback watches the backend's rate node (docs/network.md).
        var rateWatch = store is null ? null : Network.Rate.VifRateWatch.Start(paths.XenstoreSocket, engine.FindByDomid, log);
        ApiServer api;
        try
        {
            api = await ApiServer.StartAsync(paths.Socket, engine, time.GetUtcNow(), cancel, events, options?.ApiSocketGroup);
        }
        catch
        {
            if (rateWatch is not null)
                await rateWatch.DisposeAsync();
            throw;
        }
        return new EngineHost(engine, api, paths, store, writer, events, prefixLock) { _rateWatch = rateWatch };
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        if (_rateWatch is not null)
            await _rateWatch.DisposeAsync();
        await Engine.DisposeAsync();
        Events.Dispose();
        _writer?.Dispose();
        if (_store is not null)
            await _store.DisposeAsync();
        File.Delete(Paths.Socket);
        File.Delete(Paths.PidFile);
        await _prefixLock.DisposeAsync();
    }
}

/// <summary>Another xenod holds the prefix's lock (an IOException, so `xenod run` reports it as a start failure).</summary>
public sealed class PrefixInUseException(string message) : IOException(message);
