using System.Net;

namespace Xeno.Network.Host;

/// <summary>What the planning needs to know of one host interface (xenod reads it from /sys and ip(8)).</summary>
public sealed record HostInterface(string Name, bool IsBridge, int Mtu, IReadOnlyList<IPAddress> PrimaryIpv4)
{
    public HostInterface(string name, bool isBridge = false, int mtu = 1500)
        : this(name, isBridge, mtu, []) { }
}

/// <summary>A snapshot of the host's interfaces, taken right before a vif is set up.</summary>
public sealed class HostNetworkFacts(IEnumerable<HostInterface> interfaces)
{
    private readonly Dictionary<string, HostInterface> _byName = interfaces.ToDictionary(i => i.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<HostInterface> Interfaces => _byName.Values;

    public HostInterface? Find(string name) => _byName.GetValueOrDefault(name);

    public bool Exists(string name) => _byName.ContainsKey(name);
}
