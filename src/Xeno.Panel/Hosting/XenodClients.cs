using System.Collections.Concurrent;
using Xeno.Api.Client;
using Xeno.Panel.Data;

namespace Xeno.Panel.Hosting;

/// <summary>One typed xenod client per host of the hosts table, kept for the panel's life.</summary>
public sealed class XenodClients(Hosts hosts, PanelOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<long, XenodClient> _clients = new();

    public XenodClient For(long hostId) => _clients.GetOrAdd(hostId, id =>
    {
        var host = hosts.Get(id) ?? throw new InvalidOperationException($"no host {id} in the panel database");
        return new XenodClient(host.XenodSocket, options.Prefix);
    });

    public void Dispose()
    {
        foreach (var c in _clients.Values)
            c.Dispose();
    }
}
