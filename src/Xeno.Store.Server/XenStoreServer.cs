using System.Net.Sockets;
using Xeno.Store.Engine;
using Xeno.Store.Server.Connections;
using Xeno.Store.Server.Persistence;
using Xeno.Store.Wire;

namespace Xeno.Store.Server;

/// <summary>
/// xenstored: the engine behind a main unix socket (dom0) and one socket per introduced
/// domain. Requests from all connections are applied one at a time; each change is
/// journalled before its reply is queued.
/// </summary>
public sealed class XenStoreServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly XenStoreServerOptions _options;
    private readonly StoreJournal? _journal;
    private readonly SocketListener _main;
    private readonly Dictionary<uint, SocketListener> _domainListeners = [];
    private readonly HashSet<ClientConnection> _connections = [];
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;

    private XenStoreServer(XenStoreServerOptions options, XenStoreEngine engine, StoreJournal? journal)
    {
        _options = options;
        Engine = engine;
        _journal = journal;
        _main = SocketListener.Bind(options.SocketPath, 0);
    }

    /// <summary>Direct access for the embedding daemon and tests; take <see cref="Gate"/> around use.</summary>
    public XenStoreEngine Engine { get; }

    public object Gate => _gate;

    public StoreJournal? Journal => _journal;

    public static XenStoreServer Start(XenStoreServerOptions options)
    {
        var engine = new XenStoreEngine();
        StoreJournal? journal = null;
        if (options.StateDirectory is { } dir)
        {
            journal = StoreJournal.Open(dir, engine, options.SyncToDisk);
            journal.CompactionThreshold = options.CompactionThreshold;
        }
        else
        {
            engine.CreateDefaultTree();
        }
        var server = new XenStoreServer(options, engine, journal);
        _ = server._main.AcceptLoopAsync(server.Accepted);
        // Domains introduced before a restart get their sockets back.
        foreach (var domainId in engine.IntroducedDomains.ToList()) server.OpenDomainSocket(domainId);
        return server;
    }

    private void Accepted(Socket socket, uint domainId)
    {
        ClientConnection connection;
        lock (_gate)
        {
            if (_disposed) { socket.Dispose(); return; }
            if (domainId != 0 && !Engine.IsIntroduced(domainId)) { socket.Dispose(); return; }
            connection = new ClientConnection(socket, this, Engine.Connect(domainId), _options.MaxQueuedBytesPerClient);
            _connections.Add(connection);
        }
        _ = connection.RunAsync(_stop.Token);
    }

    internal void Handle(ClientConnection connection, XsMessage request)
    {
        var kick = new List<ClientConnection>();
        lock (_gate)
        {
            if (connection.Session.Closed) return;
            var outcome = Engine.Process(connection.Session, request);
            _journal?.Append(outcome.Mutations);
            foreach (var (to, message) in outcome.Outgoing)
                if (to.Tag is ClientConnection c && c.Enqueue(message.ToBytes())) kick.Add(c);
            foreach (var id in outcome.ReleasedDomains) CloseDomainSocket(id);
            foreach (var id in outcome.IntroducedDomains) OpenDomainSocket(id);
            _journal?.CompactIfNeeded(Engine);
        }
        foreach (var c in kick) _ = c.PumpAsync();
    }

    internal void Forget(ClientConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
            Engine.Disconnect(connection.Session);
        }
    }

    private void OpenDomainSocket(uint domainId)
    {
        if (_options.DomainSocketDirectory is null || _domainListeners.ContainsKey(domainId)) return;
        var listener = SocketListener.Bind(_options.DomainSocketPath(domainId), domainId);
        _domainListeners[domainId] = listener;
        _ = listener.AcceptLoopAsync(Accepted);
    }

    private void CloseDomainSocket(uint domainId)
    {
        if (_domainListeners.Remove(domainId, out var listener)) listener.Dispose();
        foreach (var c in _connections.Where(c => c.Session.DomainId == domainId).ToList())
            _ = Task.Run(c.Close);
    }

    public async ValueTask DisposeAsync()
    {
        List<ClientConnection> open;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            open = [.. _connections];
        }
        _stop.Cancel();
        _main.Dispose();
        foreach (var l in _domainListeners.Values.ToList()) l.Dispose();
        foreach (var c in open) c.Close();
        await Task.Yield();
        lock (_gate) _journal?.Dispose();
        _stop.Dispose();
    }
}
