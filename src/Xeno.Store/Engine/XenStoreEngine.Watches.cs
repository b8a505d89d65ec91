using System.Globalization;
using Xeno.Store.Quotas;
using Xeno.Store.Sessions;
using Xeno.Store.Transactions;
using Xeno.Store.Tree;
using Xeno.Store.Watches;
using Xeno.Store.Wire;

namespace Xeno.Store.Engine;

/// <summary>WATCH, UNWATCH and the delivery of WATCH_EVENT messages.</summary>
public sealed partial class XenStoreEngine
{
    private Watch? _justRegistered;

    private Result HandleWatch(StoreSession session, byte[] payload)
    {
        var args = PayloadStrings.Split(payload);
        if (args.Count < 2) return XsErrno.EINVAL;
        if (WatchPath(session, args[0], out var path, out var prefix) is { } bad) return bad;
        int? depth = null;
        if (args.Count > 2)
        {
            if (!int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var d)) return XsErrno.EINVAL;
            depth = d;
        }
        var token = args[1];
        if (session.Watches.Any(w => w.Path == path && w.Token == token)) return XsErrno.EEXIST;
        // Xen counts the domain's watches over all its connections and refuses only once the
        // count already exceeds the quota (so quota + 1 watches fit).
        if (!session.IsPrivileged && Quotas.Exceeds(session.DomainId, QuotaNames.Watches, DomainWatchCount(session.DomainId)))
            return XsErrno.E2BIG;
        _justRegistered = new Watch(path, token, prefix, depth);
        session.Watches.Add(_justRegistered);
        return Result.Ok;
    }

    /// <summary>A watch fires once right after it is registered, with the path as given.</summary>
    private void SendInitialWatchEvent(StoreSession session)
    {
        if (_justRegistered is not { } w) return;
        _justRegistered = null;
        _outcome.Outgoing.Add((session, WatchEvent(w.Present(w.Path), w.Token)));
    }

    private Result HandleUnwatch(StoreSession session, byte[] payload)
    {
        var args = PayloadStrings.Split(payload);
        if (args.Count != 2) return XsErrno.EINVAL;
        if (WatchPath(session, args[0], out var path, out _) is { } bad) return bad;
        var index = session.Watches.FindIndex(w => w.Path == path && w.Token == args[1]);
        if (index < 0) return XsErrno.ENOENT;
        session.Watches.RemoveAt(index);
        return Result.Ok;
    }

    private XsErrno? WatchPath(StoreSession session, string raw, out string path, out string? relativePrefix)
    {
        relativePrefix = null;
        if (raw.StartsWith('@'))
        {
            path = raw;
            return StorePath.IsSpecial(raw) ? null : XsErrno.EINVAL;
        }
        var caller = CallerOf(session);
        if (Resolve(caller, raw, false, out path) is { } bad) return bad;
        StorePath.Canonicalize(session.DomainId, raw, out var relative);
        if (relative) relativePrefix = StorePath.DomainPath(session.DomainId) + "/";
        return null;
    }

    /// <summary>
    /// As in Xen: the watcher may read the node (or, after a permission change, could read it
    /// before), or, for a node that still exists, may read its parent.
    /// </summary>
    private bool WatchPermitted(Caller caller, Change change)
    {
        if (caller.Can(change.Permissions, Access.Read)) return true;
        if (change.OldPermissions is { } old && caller.Can(old, Access.Read)) return true;
        if (change.Removed || change.Path.StartsWith('@')) return false;
        return Tree.Get(StorePath.Parent(change.Path)) is { } parent && caller.Can(parent.Permissions, Access.Read);
    }

    private int DomainWatchCount(uint domainId) => _sessions.Where(s => s.DomainId == domainId).Sum(s => s.Watches.Count);

    private static XsMessage WatchEvent(string path, string token) =>
        XsMessage.Create(XsMessageType.WatchEvent, 0, 0, path, token);

    /// <summary>
    /// Queues events for every watch on the changed path or above it (within its depth),
    /// and, when a subtree was removed, for every watch inside it. Only sessions allowed to
    /// read the node hear about it.
    /// </summary>
    private void FireWatches(Change change)
    {
        foreach (var session in _sessions)
        {
            if (session.Watches.Count == 0) continue;
            if (!WatchPermitted(CallerOf(session), change)) continue;
            foreach (var w in session.Watches)
            {
                string? eventPath = null;
                if (StorePath.IsSelfOrDescendant(change.Path, w.Path))
                {
                    if (w.Depth is not { } depth || StorePath.DepthBelow(change.Path, w.Path) <= depth) eventPath = change.Path;
                }
                else if (change.Removed && StorePath.IsSelfOrDescendant(w.Path, change.Path))
                {
                    eventPath = w.Path;
                }
                if (eventPath is null) continue;
                var message = WatchEvent(w.Present(eventPath), w.Token);
                // A deep path plus a long token can outgrow a frame; no client could parse it.
                if (message.Payload.Length <= XsHeader.PayloadMax) _outcome.Outgoing.Add((session, message));
            }
        }
    }
}
