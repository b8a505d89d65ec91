using Xeno.Store.Tree;

namespace Xeno.Store.Transactions;

/// <summary>An open transaction: its overlay and the changes whose watches fire at commit.</summary>
internal sealed class Transaction(uint id, NodeTree live)
{
    public uint Id { get; } = id;
    public TransactionView View { get; } = new(live);
    public List<Change> Changes { get; } = [];
}

/// <summary>
/// A changed path; <see cref="Removed"/> also notifies watches below it. Permissions are the
/// node's (its last ones when removed); <see cref="OldPermissions"/> is set when they changed.
/// </summary>
internal readonly record struct Change(string Path, bool Removed, NodePermissions Permissions, NodePermissions? OldPermissions = null);
