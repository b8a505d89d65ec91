using System.Net.Sockets;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Consoles;

/// <summary>
/// xenod's console hubs, one per domain whose QEMU runs. The engine starts a hub once QEMU is
/// up (or re-adopted) and stops it when the domain goes away; the API reads recent output here.
/// </summary>
public sealed class ConsoleHubs : IAsyncDisposable
{
    private readonly ConsoleHubOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ConsoleHub> _hubs = [];

    public ConsoleHubs(ConsoleHubOptions options, TimeProvider time, Action<string> log)
    {
        _options = options;
        _time = time;
        _log = log;
    }

    public ConsoleHubOptions Options => _options;

    /// <summary>Starts the hub of a domain whose QEMU runs; a failure is logged, never fatal to the guest.</summary>
    internal async Task StartAsync(Domain d)
    {
        int domid = d.Domid;
        var files = d.Files;
        await StopAsync(domid).ConfigureAwait(false);
        IConsoleUpstream upstream = d.Spec.Kind == DomainKind.Hvm
            ? new HandedConsoleUpstream(d, _log)
            : new PathConsoleUpstream(files.ConsoleSocket);
        try
        {
            var hub = ConsoleHub.Start($"Domain {domid}", upstream, ConsoleHub.SocketFor(files), files.ConsoleLog,
                _options, _time, _log);
            lock (_gate)
                _hubs[domid] = hub;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            _log($"Domain {domid}: console hub not started: {e.Message}");
        }
    }

    public async Task StopAsync(int domid)
    {
        ConsoleHub? hub;
        lock (_gate)
        {
            if (_hubs.Remove(domid, out hub) is false)
                return;
        }
        await hub.DisposeAsync().ConfigureAwait(false);
    }

    public ConsoleHub? Find(int domid)
    {
        lock (_gate)
            return _hubs.GetValueOrDefault(domid);
    }

    /// <summary>The recent output of a domain's console: its ring, or the log's tail without a hub.</summary>
    public byte[] Recent(int domid, string logPath) =>
        Find(domid)?.Ring.Snapshot() ?? ConsoleLogRotator.ReadTail(logPath, _options.RingBytes);

    /// <summary>Stops every hub (xenod stops; the guests and their logs stay).</summary>
    public async ValueTask DisposeAsync()
    {
        ConsoleHub[] all;
        lock (_gate)
        {
            all = [.. _hubs.Values];
            _hubs.Clear();
        }
        foreach (var hub in all)
            await hub.DisposeAsync().ConfigureAwait(false);
    }
}
