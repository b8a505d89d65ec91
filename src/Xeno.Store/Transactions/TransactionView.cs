using System.Collections.Immutable;
using Xeno.Store.Tree;

namespace Xeno.Store.Transactions;

/// <summary>
/// A transaction's private view: a copy-on-write overlay over the live tree that remembers
/// the generation of every node it looked at. Commit succeeds only if none of those nodes
/// changed in the live tree meanwhile (Xen's EAGAIN rule), then replays the overlay as
/// primitive changes.
/// </summary>
internal sealed class TransactionView(NodeTree live) : INodeAccess
{
    private const long Absent = -1;

    private readonly Dictionary<string, StoreNode?> _overlay = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoreNode?> _snapshot = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, int> _ownedDelta = [];
    private readonly Dictionary<uint, long> _bytesDelta = [];
    private readonly HashSet<string> _recreated = new(StringComparer.Ordinal);

    /// <summary>Nodes this transaction changed (Xen's transaction-nodes quota counts these).</summary>
    public int ChangedNodes => _overlay.Count;

    public StoreNode? Get(string path)
    {
        if (_overlay.TryGetValue(path, out var mine)) return mine;
        // A node keeps showing the state it had when the transaction first saw it.
        if (_snapshot.TryGetValue(path, out var seen)) return seen;
        var node = live.Get(path);
        _snapshot[path] = node;
        _seen[path] = node?.Generation ?? Absent;
        return node;
    }

    public int OwnedBy(uint domainId) => live.OwnedBy(domainId) + _ownedDelta.GetValueOrDefault(domainId);

    public long BytesOwnedBy(uint domainId) => live.BytesOwnedBy(domainId) + _bytesDelta.GetValueOrDefault(domainId);

    public void Set(string path, byte[] value, NodePermissions permissions)
    {
        var existing = Get(path);
        if (existing is not null)
        {
            Own(existing.Permissions.Owner, -1, existing.AccountedSize(path));
            _overlay[path] = existing.With(value, permissions);
        }
        else
        {
            var parentPath = StorePath.Parent(path);
            var parent = Get(parentPath) ?? throw new InvalidOperationException($"parent of {path} does not exist");
            _overlay[parentPath] = parent.With(children: parent.Children.Add(StorePath.Name(path)));
            // Removed and created again: at commit it goes and comes back, moving to the end of its parent's list.
            if (_overlay.ContainsKey(path)) _recreated.Add(path);
            _overlay[path] = new StoreNode(value, permissions, ImmutableList<string>.Empty, 0);
        }
        Own(permissions.Owner, +1, StoreNode.AccountedSize(path, value.Length, permissions));
    }

    public void Remove(string path)
    {
        var node = Get(path) ?? throw new InvalidOperationException($"{path} does not exist");
        var parentPath = StorePath.Parent(path);
        var parent = Get(parentPath)!;
        _overlay[parentPath] = parent.With(children: parent.Children.Remove(StorePath.Name(path), StringComparer.Ordinal));
        _overlay[path] = null;
        Own(node.Permissions.Owner, -1, node.AccountedSize(path));
    }

    /// <summary>Whether every node this transaction saw is unchanged in the live tree.</summary>
    public bool CanCommit()
    {
        foreach (var (path, generation) in _seen)
            if ((live.Get(path)?.Generation ?? Absent) != generation) return false;
        return true;
    }

    /// <summary>Applies the overlay to the live tree: removals deepest first, then writes parents first.</summary>
    public void Commit()
    {
        var removals = _overlay.Where(kv => (kv.Value is null || _recreated.Contains(kv.Key)) && live.Get(kv.Key) is not null)
            .Select(kv => kv.Key).OrderByDescending(Depth).ToList();
        foreach (var path in removals) live.Remove(path);

        var writes = _overlay.Where(kv => kv.Value is not null).OrderBy(kv => Depth(kv.Key)).ToList();
        foreach (var (path, node) in writes)
        {
            var current = live.Get(path);
            // Nodes whose only change was their child list follow from the creations and removals.
            if (current is not null && ReferenceEquals(current.Value, node!.Value) && ReferenceEquals(current.Permissions, node.Permissions))
                continue;
            live.Set(path, node!.Value, node.Permissions);
        }
    }

    private static int Depth(string path) => path == "/" ? 0 : path.AsSpan().Count('/');

    private void Own(uint owner, int delta, long bytes)
    {
        _ownedDelta[owner] = _ownedDelta.GetValueOrDefault(owner) + delta;
        _bytesDelta[owner] = _bytesDelta.GetValueOrDefault(owner) + delta * bytes;
    }
}
