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

    private byte[]? _childList;

    /// <summary>Bytes charged to the owner's memory quota: path, value and permission entries.</summary>
    public static long AccountedSize(string path, int valueLength, NodePermissions permissions) =>
        System.Text.Encoding.UTF8.GetByteCount(path) + valueLength + 5L * permissions.Entries.Count;

    public long AccountedSize(string path) => AccountedSize(path, Value.Length, Permissions);

    /// <summary>Child names, each NUL-terminated (the DIRECTORY reply); built once per node version.</summary>
    public byte[] ChildList => _childList ??= BuildChildList();

    private byte[] BuildChildList()
    {
        var size = 0;
        foreach (var c in Children) size += System.Text.Encoding.UTF8.GetByteCount(c) + 1;
        var bytes = new byte[size];
        var at = 0;
        foreach (var c in Children)
        {
            at += System.Text.Encoding.UTF8.GetBytes(c, bytes.AsSpan(at));
            bytes[at++] = 0;
        }
        return bytes;
    }

    public StoreNode With(byte[]? value = null, NodePermissions? permissions = null, ImmutableList<string>? children = null, long? generation = null) =>
        new(value ?? Value, permissions ?? Permissions, children ?? Children, generation ?? Generation);
}
