namespace Xeno.Store.Tree;

/// <summary>
/// A primitive change of durable state. Every change the store makes is expressed as a
/// sequence of these, so the server can log them before it replies and replay them after
/// a restart into exactly the same state.
/// </summary>
public abstract record StoreMutation;

/// <summary>Create the node (appended to its parent's children) or replace its value and permissions.</summary>
public sealed record SetNodeMutation(string Path, byte[] Value, NodePermissions Permissions) : StoreMutation;

/// <summary>Remove a node that has no children.</summary>
public sealed record RemoveNodeMutation(string Path) : StoreMutation;

/// <summary>A domain was introduced (it gets its own socket).</summary>
public sealed record IntroduceDomainMutation(uint DomainId) : StoreMutation;

/// <summary>A domain was released.</summary>
public sealed record ReleaseDomainMutation(uint DomainId) : StoreMutation;

/// <summary>A quota changed: global when <see cref="DomainId"/> is null.</summary>
public sealed record SetQuotaMutation(uint? DomainId, string Name, long Value) : StoreMutation;

/// <summary>Permissions of a special watch node (@introduceDomain, @releaseDomain) changed.</summary>
public sealed record SetSpecialPermissionsMutation(string Path, NodePermissions Permissions) : StoreMutation;

/// <summary>SET_TARGET gave a domain rights over another.</summary>
public sealed record SetTargetMutation(uint DomainId, uint Target) : StoreMutation;
