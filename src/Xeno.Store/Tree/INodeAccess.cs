namespace Xeno.Store.Tree;

/// <summary>
/// The three primitives every store operation is built from. The live tree applies them
/// directly; a transaction applies them to its private overlay.
/// </summary>
internal interface INodeAccess
{
    StoreNode? Get(string path);

    /// <summary>Create (the parent must exist) or replace value and permissions, keeping children.</summary>
    void Set(string path, byte[] value, NodePermissions permissions);

    /// <summary>Remove a node that has no children.</summary>
    void Remove(string path);

    /// <summary>How many nodes <paramref name="domainId"/> owns as seen through this view.</summary>
    int OwnedBy(uint domainId);

    /// <summary>Bytes of nodes <paramref name="domainId"/> owns (memory quota) as seen through this view.</summary>
    long BytesOwnedBy(uint domainId);
}
