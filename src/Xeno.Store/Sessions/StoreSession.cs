using Xeno.Store.Transactions;
using Xeno.Store.Watches;

namespace Xeno.Store.Sessions;

/// <summary>
/// One client connection as the store sees it: the domain it acts as, its watches and its
/// open transactions. Created by the server per accepted socket.
/// </summary>
public sealed class StoreSession
{
    internal StoreSession(long id, uint domainId)
    {
        Id = id;
        DomainId = domainId;
    }

    public long Id { get; }

    public uint DomainId { get; }

    /// <summary>Dom0 bypasses permission checks and quotas.</summary>
    public bool IsPrivileged => DomainId == 0;

    /// <summary>Opaque slot for the server's connection object.</summary>
    public object? Tag { get; set; }

    internal List<Watch> Watches { get; } = [];

    internal Dictionary<uint, Transaction> Transactions { get; } = [];

    internal uint NextTransactionId { get; set; } = 1;

    public int WatchCount => Watches.Count;

    public int TransactionCount => Transactions.Count;

    public bool Closed { get; internal set; }
}
