using System.Globalization;
using Xeno.Store.Quotas;
using Xeno.Store.Sessions;
using Xeno.Store.Transactions;
using Xeno.Store.Wire;

namespace Xeno.Store.Engine;

/// <summary>TRANSACTION_START and TRANSACTION_END.</summary>
public sealed partial class XenStoreEngine
{
    private Result HandleTransactionStart(StoreSession session, Caller caller, XsMessage request)
    {
        // Transactions do not nest: starting one inside another is EBUSY, as in Xen.
        if (request.TransactionId != 0)
            return session.Transactions.ContainsKey(request.TransactionId) ? XsErrno.EBUSY : XsErrno.ENOENT;
        // As in Xen: per connection, refused once the open count already exceeds the quota.
        if (!caller.Privileged && Quotas.Exceeds(caller.DomainId, QuotaNames.Transactions, session.Transactions.Count))
            return XsErrno.ENOSPC;
        var id = session.NextTransactionId;
        while (id == 0 || session.Transactions.ContainsKey(id)) id++;
        session.NextTransactionId = id + 1;
        session.Transactions[id] = new Transaction(id, Tree);
        return Text(id.ToString(CultureInfo.InvariantCulture));
    }

    private Result HandleTransactionEnd(StoreSession session, XsMessage request)
    {
        if (!session.Transactions.TryGetValue(request.TransactionId, out var tx)) return XsErrno.ENOENT;
        var arg = PayloadStrings.First(request.Payload, out _);
        if (arg is not ("T" or "F")) return XsErrno.EINVAL;
        session.Transactions.Remove(tx.Id);
        if (arg == "F") return Result.Ok;
        if (!tx.View.CanCommit()) return XsErrno.EAGAIN;
        tx.View.Commit();
        foreach (var change in tx.Changes) FireWatches(change);
        return Result.Ok;
    }
}
