using System.Text;
using Xeno.Store.Domains;
using Xeno.Store.Quotas;
using Xeno.Store.Tree;

namespace Xeno.Store.Engine;

/// <summary>Default tree, replay of logged mutations, snapshots and consistency checks.</summary>
public sealed partial class XenStoreEngine
{
    /// <summary>
    /// The tree a fresh Xen host has once xenstored and dom0 are up: /local/domain/0 with
    /// name and domid, /vm, /tool/xenstored. Returns the mutations so they can be logged.
    /// </summary>
    public List<StoreMutation> CreateDefaultTree()
    {
        var recorded = new List<StoreMutation>();
        Tree.Recorder = recorded;
        try
        {
            var p = NodePermissions.Dom0Only;
            foreach (var path in new[] { "/local", "/local/domain", "/local/domain/0", "/vm", "/tool", "/tool/xenstored" })
                if (Tree.Get(path) is null) Tree.Set(path, [], p);
            // Dom0's own directory is readable by dom0 only, like any other domain's.
            Tree.Set("/local/domain/0/name", "Domain-0"u8.ToArray(), p);
            Tree.Set("/local/domain/0/domid", "0"u8.ToArray(), p);
        }
        finally
        {
            Tree.Recorder = null;
        }
        return recorded;
    }

    /// <summary>Replays one logged mutation (at start-up, before any session exists).</summary>
    public void Apply(StoreMutation mutation)
    {
        switch (mutation)
        {
            case SetNodeMutation s:
                Tree.Set(s.Path, s.Value, s.Permissions);
                break;
            case RemoveNodeMutation r:
                Tree.Remove(r.Path);
                break;
            case IntroduceDomainMutation i:
                IntroduceDomain(i.DomainId);
                break;
            case ReleaseDomainMutation r:
                _domains.Remove(r.DomainId);
                Quotas.ForgetDomain(r.DomainId);
                break;
            case SetQuotaMutation q when q.DomainId is { } d:
                Quotas.SetForDomain(d, q.Name, q.Value);
                break;
            case SetQuotaMutation q:
                Quotas.SetGlobal(q.Name, q.Value);
                break;
            case SetSpecialPermissionsMutation sp:
                SetSpecialPermissions(sp.Path, sp.Permissions);
                break;
            case SetTargetMutation t:
                if (_domains.TryGetValue(t.DomainId, out var d2)) d2.Target = t.Target;
                break;
        }
    }

    /// <summary>The whole durable state as a mutation sequence that rebuilds it from an empty store.</summary>
    public IEnumerable<StoreMutation> Snapshot()
    {
        foreach (var path in Tree.PreOrder())
        {
            var node = Tree.Get(path)!;
            yield return new SetNodeMutation(path, node.Value, node.Permissions);
        }
        foreach (var name in QuotaNames.All) yield return new SetQuotaMutation(null, name, Quotas.Global(name));
        foreach (var d in _domains.Values.OrderBy(d => d.Id))
        {
            yield return new IntroduceDomainMutation(d.Id);
            foreach (var (name, value) in Quotas.OverridesOf(d.Id)) yield return new SetQuotaMutation(d.Id, name, value);
        }
        foreach (var d in _domains.Values.Where(d => d.Target is not null))
            yield return new SetTargetMutation(d.Id, d.Target!.Value);
        yield return new SetSpecialPermissionsMutation(StorePath.IntroduceDomain, _introducePermissions);
        yield return new SetSpecialPermissionsMutation(StorePath.ReleaseDomain, _releasePermissions);
    }

    /// <summary>Checks the tree's structural invariants; null when all hold, else what is wrong.</summary>
    public string? CheckInvariants()
    {
        var sb = new StringBuilder();
        var reachable = new HashSet<string>(Tree.PreOrder(), StringComparer.Ordinal);
        foreach (var (path, node) in Tree.All)
        {
            if (!reachable.Contains(path)) sb.Append("unreachable node ").Append(path).Append('\n');
            if (path != "/" && !StorePath.IsValidNode(path, 0, StorePath.AbsoluteMax)) sb.Append("invalid path ").Append(path).Append('\n');
            if (node.Children.Distinct(StringComparer.Ordinal).Count() != node.Children.Count) sb.Append("duplicate child under ").Append(path).Append('\n');
            foreach (var c in node.Children)
                if (Tree.Get(StorePath.Child(path, c)) is null) sb.Append("dangling child ").Append(c).Append(" under ").Append(path).Append('\n');
        }
        var owners = Tree.All.GroupBy(kv => kv.Value.Permissions.Owner);
        foreach (var g in owners)
        {
            if (Tree.OwnedBy(g.Key) != g.Count()) sb.Append("owner count wrong for ").Append(g.Key).Append('\n');
            if (Tree.BytesOwnedBy(g.Key) != g.Sum(kv => kv.Value.AccountedSize(kv.Key))) sb.Append("owner bytes wrong for ").Append(g.Key).Append('\n');
        }
        return sb.Length == 0 ? null : sb.ToString();
    }
}
