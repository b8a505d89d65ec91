using System.Collections.Immutable;

namespace Xeno.Store.Tree;

/// <summary>
/// An immutable node: value bytes, permissions, child names in creation order, and the
/// generation stamped when it last changed (transactions compare it to detect conflicts).
/// </summary>
public sealed class StoreNode(byte[] value, NodePermissions permissions, ImmutableList<string> children, long generation)
{
    public byte[] Value { get; } = value;
    public NodePermissions Permissions { get; } = permissions;
    public ImmutableList<string> Children { get; } = children;
    public long Generation { get; } = generation;

    public StoreNode With(byte[]? value = null, NodePermissions? permissions = null, ImmutableList<string>? children = null, long? generation = null) =>
        new(value ?? Value, permissions ?? Permissions, children ?? Children, generation ?? Generation);
}
