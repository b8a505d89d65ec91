using System.Globalization;
using System.Text;
using Xeno.Store.Domains;
using Xeno.Store.Quotas;
using Xeno.Store.Sessions;
using Xeno.Store.Transactions;
using Xeno.Store.Tree;
using Xeno.Store.Wire;

namespace Xeno.Store.Engine;

/// <summary>
/// The xenstore: the tree, sessions, watches, transactions, domains and quotas, and the
/// request handlers for every xs_wire message type. Single-threaded: the server serialises
/// calls. It performs no I/O; each request returns a <see cref="StoreOutcome"/>.
/// </summary>
public sealed partial class XenStoreEngine
{
    /// <summary>DOMID_FIRST_RESERVED: domain ids from here on are not real domains.</summary>
    public const uint FirstReservedDomainId = 0x7FF0;

    private readonly Dictionary<uint, DomainRecord> _domains = [];
    private readonly List<StoreSession> _sessions = [];
    private long _nextSessionId;
    private NodePermissions _introducePermissions = NodePermissions.Dom0Only;
    private NodePermissions _releasePermissions = NodePermissions.Dom0Only;
    private StoreOutcome _outcome = new();

    public XenStoreEngine(QuotaSettings? quotas = null)
    {
        Quotas = quotas ?? new QuotaSettings();
    }

    public NodeTree Tree { get; } = new();

    public QuotaSettings Quotas { get; }

    public IReadOnlyCollection<uint> IntroducedDomains => _domains.Keys;

    public IReadOnlyList<StoreSession> Sessions => _sessions;

    /// <summary>Requests that hit an unexpected exception (answered with EIO). Always 0 unless there is a bug.</summary>
    public long InternalErrors { get; private set; }

    public Exception? LastInternalError { get; private set; }

    /// <summary>The whole tree as text, one "path = value (perms)" line per node, for comparisons.</summary>
    public string Dump()
    {
        var sb = new StringBuilder();
        foreach (var path in Tree.PreOrder())
        {
            var node = Tree.Get(path)!;
            sb.Append(path).Append(" = ").Append(Convert.ToHexString(node.Value)).Append(" (").Append(node.Permissions).Append(")\n");
        }
        return sb.ToString();
    }

    public bool IsIntroduced(uint domainId) => domainId == 0 || _domains.ContainsKey(domainId);

    /// <summary>A new connection acting as <paramref name="domainId"/> (0: the privileged dom0).</summary>
    public StoreSession Connect(uint domainId)
    {
        var session = new StoreSession(++_nextSessionId, domainId);
        _sessions.Add(session);
        return session;
    }

    /// <summary>The connection went away: its watches and transactions go with it.</summary>
    public void Disconnect(StoreSession session)
    {
        session.Closed = true;
        session.Watches.Clear();
        session.Transactions.Clear();
        _sessions.Remove(session);
    }

    /// <summary>Handles one request. Never throws for any input.</summary>
    public StoreOutcome Process(StoreSession session, XsMessage request)
    {
        _outcome = new StoreOutcome();
        Tree.Recorder = _outcome.Mutations;
        try
        {
            var result = Dispatch(session, request);
            Reply(session, request, result);
            if (request.Type == XsMessageType.Watch && !result.IsError) SendInitialWatchEvent(session);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug must not take the daemon down; the client learns something went wrong,
            // and tests assert this never happens.
            InternalErrors++;
            LastInternalError = ex;
            Reply(session, request, XsErrno.EIO);
        }
        finally
        {
            Tree.Recorder = null;
        }
        return _outcome;
    }

    private void Reply(StoreSession session, XsMessage request, Result result)
    {
        var message = result.IsError
            ? XsMessage.Error(request, result.Error)
            : new XsMessage(request.Type, request.RequestId, request.TransactionId, result.Payload!);
        _outcome.Outgoing.Add((session, message));
    }

    private static bool IsKnown(XsMessageType type) =>
        type <= XsMessageType.SetQuota && type is not (XsMessageType.WatchEvent or XsMessageType.Error or XsMessageType.Restrict);

    private static bool IsPrivilegedOnly(XsMessageType type) => type is XsMessageType.Control or XsMessageType.Introduce
        or XsMessageType.Release or XsMessageType.IsDomainIntroduced or XsMessageType.Resume or XsMessageType.SetTarget
        or XsMessageType.SetFeature or XsMessageType.GetQuota or XsMessageType.SetQuota;

    private Result Dispatch(StoreSession session, XsMessage request)
    {
        var caller = CallerOf(session);
        var p = request.Payload;
        // Xen's order: unknown type, then privilege, then the transaction id (ignored only by WATCH/UNWATCH).
        if (!IsKnown(request.Type)) return XsErrno.ENOSYS;
        if (IsPrivilegedOnly(request.Type) && !caller.Privileged) return XsErrno.EACCES;
        if (request.TransactionId != 0 && request.Type is not (XsMessageType.Watch or XsMessageType.Unwatch)
            && !session.Transactions.ContainsKey(request.TransactionId))
            return XsErrno.ENOENT;
        switch (request.Type)
        {
            case XsMessageType.Read:
            case XsMessageType.Write:
            case XsMessageType.Mkdir:
            case XsMessageType.Rm:
            case XsMessageType.Directory:
            case XsMessageType.DirectoryPart:
            case XsMessageType.GetPerms:
            case XsMessageType.SetPerms:
                return NodeRequest(session, caller, request);
            case XsMessageType.Watch: return HandleWatch(session, p);
            case XsMessageType.Unwatch: return HandleUnwatch(session, p);
            case XsMessageType.ResetWatches:
                session.Watches.Clear();
                session.Transactions.Clear();
                return Result.Ok;
            case XsMessageType.TransactionStart: return HandleTransactionStart(session, caller, request);
            case XsMessageType.TransactionEnd: return HandleTransactionEnd(session, request);
            case XsMessageType.Introduce: return HandleIntroduce(caller, p);
            case XsMessageType.Release: return HandleRelease(caller, p);
            case XsMessageType.Resume: return HandleResume(caller, p);
            case XsMessageType.SetTarget: return HandleSetTarget(caller, p);
            case XsMessageType.GetDomainPath: return HandleGetDomainPath(p);
            case XsMessageType.IsDomainIntroduced: return HandleIsDomainIntroduced(p);
            case XsMessageType.Control: return HandleControl(session, caller, p);
            case XsMessageType.GetFeature: return HandleGetFeature(caller, p);
            case XsMessageType.SetFeature: return HandleSetFeature(caller, p);
            case XsMessageType.GetQuota: return HandleGetQuota(caller, p);
            case XsMessageType.SetQuota: return HandleSetQuota(caller, p);
            default: return XsErrno.ENOSYS;
        }
    }

    private Caller CallerOf(StoreSession session) =>
        new(session.DomainId, session.IsPrivileged, _domains.GetValueOrDefault(session.DomainId)?.Target);

    internal static byte[] Text(string s) => Encoding.UTF8.GetBytes(s + "\0");

    internal static bool TryParseDomainId(string text, out uint domainId)
    {
        domainId = 0;
        if (text.Length == 0 || text.Length > 10) return false;
        foreach (var c in text) if (c is < '0' or > '9') return false;
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out domainId);
    }
}
