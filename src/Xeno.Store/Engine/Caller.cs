using Xeno.Store.Tree;

namespace Xeno.Store.Engine;

/// <summary>Who is asking: the domain, whether it is privileged, and the domain it may act for.</summary>
internal readonly record struct Caller(uint DomainId, bool Privileged, uint? Target)
{
    public bool Can(NodePermissions permissions, Access wanted) =>
        Privileged || (permissions.For(DomainId, Target) & wanted) == wanted;

    /// <summary>Whether any of the wanted bits is granted (Xen asks parents this way).</summary>
    public bool CanAny(NodePermissions permissions, Access wanted) =>
        Privileged || (permissions.For(DomainId, Target) & wanted) != 0;
}
