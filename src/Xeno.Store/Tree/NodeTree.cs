using System.Collections.Immutable;

namespace Xeno.Store.Tree;

/// <summary>
/// The live tree: nodes by absolute path, a generation counter, per-owner node counts,
/// and an optional recorder that receives every primitive change (for the journal).
/// </summary>
public sealed class NodeTree : INodeAccess
{
    private readonly Dictionary<string, StoreNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, int> _owned = [];
    private readonly Dictionary<uint, long> _ownedBytes = [];
    private long _generation;

    public NodeTree()
    {
        _nodes["/"] = new StoreNode([], NodePermissions.Dom0Only, [], NextGeneration());
        _owned[0] = 1;
        _ownedBytes[0] = _nodes["/"].AccountedSize("/");
    }

    /// <summary>Receives every primitive change while set.</summary>
    public List<StoreMutation>? Recorder { get; set; }

    public int Count => _nodes.Count;

    public long NextGeneration() => ++_generation;

    public StoreNode? Get(string path) => _nodes.GetValueOrDefault(path);

    public int OwnedBy(uint domainId) => _owned.GetValueOrDefault(domainId);

    public long BytesOwnedBy(uint domainId) => _ownedBytes.GetValueOrDefault(domainId);

    public IEnumerable<KeyValuePair<string, StoreNode>> All => _nodes;

    public void Set(string path, byte[] value, NodePermissions permissions)
    {
        if (_nodes.TryGetValue(path, out var existing))
        {
            CountOwner(existing.Permissions.Owner, -1, existing.AccountedSize(path));
            _nodes[path] = existing.With(value, permissions, generation: NextGeneration());
        }
        else
        {
            var parentPath = StorePath.Parent(path);
            var parent = _nodes.GetValueOrDefault(parentPath)
                ?? throw new InvalidOperationException($"parent of {path} does not exist");
            _nodes[parentPath] = parent.With(children: parent.Children.Add(StorePath.Name(path)), generation: NextGeneration());
            _nodes[path] = new StoreNode(value, permissions, ImmutableList<string>.Empty, NextGeneration());
        }
        CountOwner(permissions.Owner, +1, StoreNode.AccountedSize(path, value.Length, permissions));
        Recorder?.Add(new SetNodeMutation(path, value, permissions));
    }

    public void Remove(string path)
    {
        if (path == "/") throw new InvalidOperationException("the root cannot be removed");
        var node = _nodes.GetValueOrDefault(path) ?? throw new InvalidOperationException($"{path} does not exist");
        if (!node.Children.IsEmpty) throw new InvalidOperationException($"{path} still has children");
        var parentPath = StorePath.Parent(path);
        var parent = _nodes[parentPath];
        _nodes[parentPath] = parent.With(children: parent.Children.Remove(StorePath.Name(path), StringComparer.Ordinal), generation: NextGeneration());
        _nodes.Remove(path);
        CountOwner(node.Permissions.Owner, -1, node.AccountedSize(path));
        Recorder?.Add(new RemoveNodeMutation(path));
    }

    /// <summary>Every path of the subtree, parents before children, children in order.</summary>
    public IEnumerable<string> PreOrder(string root = "/")
    {
        var stack = new Stack<string>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var path = stack.Pop();
            if (!_nodes.TryGetValue(path, out var node)) continue;
            yield return path;
            for (var i = node.Children.Count - 1; i >= 0; i--) stack.Push(StorePath.Child(path, node.Children[i]));
        }
    }

    private void CountOwner(uint owner, int delta, long bytes)
    {
        var n = _owned.GetValueOrDefault(owner) + delta;
        if (n == 0) _owned.Remove(owner); else _owned[owner] = n;
        var b = _ownedBytes.GetValueOrDefault(owner) + delta * bytes;
        if (n == 0) _ownedBytes.Remove(owner); else _ownedBytes[owner] = b;
    }
}
