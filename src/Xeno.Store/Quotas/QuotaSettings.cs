using System.Collections.ObjectModel;

namespace Xeno.Store.Quotas;

/// <summary>Quota names as Xen's C xenstored spells them.</summary>
public static class QuotaNames
{
    public const string Nodes = "nodes";
    public const string Watches = "watches";
    public const string Outstanding = "outstanding";
    public const string Memory = "memory";
    public const string Transactions = "transactions";
    public const string TransactionNodes = "transaction-nodes";
    public const string NodePermissions = "node-permissions";
    public const string PathMax = "path-max";
    public const string NodeSize = "node-size";

    /// <summary>In the order xenstored lists them.</summary>
    public static readonly ReadOnlyCollection<string> All = new([
        Nodes, Watches, Outstanding, Memory, Transactions, TransactionNodes, NodePermissions, PathMax, NodeSize]);

    public static string Describe(string name) => name switch
    {
        Nodes => "Nodes per domain",
        Watches => "Watches per domain",
        Outstanding => "Outstanding requests per domain",
        Memory => "Memory (bytes) per domain",
        Transactions => "Transactions per domain",
        TransactionNodes => "Nodes accessed per transaction",
        NodePermissions => "Permissions per node",
        PathMax => "Max. length of a node path",
        NodeSize => "Max. size of a node value",
        _ => name,
    };
}

/// <summary>
/// Global quota values (Xen's C xenstored defaults) plus per-domain overrides. Quotas bind
/// unprivileged domains only; dom0 is exempt, as in Xen.
/// </summary>
public sealed class QuotaSettings
{
    private readonly Dictionary<string, long> _global = new(StringComparer.Ordinal)
    {
        [QuotaNames.Nodes] = 1000,
        [QuotaNames.Watches] = 128,
        [QuotaNames.Outstanding] = 20,
        [QuotaNames.Memory] = 2 * 1024 * 1024 + 512 * 1024,
        [QuotaNames.Transactions] = 10,
        [QuotaNames.TransactionNodes] = 1024,
        [QuotaNames.NodePermissions] = 5,
        [QuotaNames.PathMax] = 2048,
        [QuotaNames.NodeSize] = 2048,
    };

    private readonly Dictionary<uint, Dictionary<string, long>> _perDomain = [];

    /// <summary>Soft memory limit (2 MB): exceeding it is only worth a log line in Xen.</summary>
    public long SoftMemory { get; set; } = 2 * 1024 * 1024;

    public static bool IsKnown(string name) => QuotaNames.All.Contains(name);

    public long Global(string name) => _global[name];

    public void SetGlobal(string name, long value) => _global[name] = value;

    /// <summary>The value binding <paramref name="domainId"/>: its override, else the global one.</summary>
    public long For(uint domainId, string name) =>
        _perDomain.TryGetValue(domainId, out var o) && o.TryGetValue(name, out var v) ? v : _global[name];

    public void SetForDomain(uint domainId, string name, long value)
    {
        if (!_perDomain.TryGetValue(domainId, out var o)) _perDomain[domainId] = o = new(StringComparer.Ordinal);
        o[name] = value;
    }

    public void ForgetDomain(uint domainId) => _perDomain.Remove(domainId);

    public IEnumerable<KeyValuePair<string, long>> OverridesOf(uint domainId) =>
        _perDomain.TryGetValue(domainId, out var o) ? o.ToList() : [];

    /// <summary>Whether <paramref name="used"/> goes past the limit; 0 means unlimited, as in Xen.</summary>
    public bool Exceeds(uint domainId, string name, long used)
    {
        var limit = For(domainId, name);
        return limit > 0 && used > limit;
    }
}
