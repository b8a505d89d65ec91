using Xeno.Store.Domains;
using Xeno.Store.Sessions;
using Xeno.Store.Transactions;
using Xeno.Store.Tree;
using Xeno.Store.Wire;

namespace Xeno.Store.Engine;

/// <summary>INTRODUCE, RELEASE, RESUME, SET_TARGET, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED.</summary>
public sealed partial class XenStoreEngine
{
    private static XsErrno? DomainArgument(byte[] payload, int count, out List<string> args, out uint domainId)
    {
        args = PayloadStrings.Split(payload);
        domainId = 0;
        if (args.Count < count) return XsErrno.EINVAL;
        return TryParseDomainId(args[0], out domainId) ? null : XsErrno.EINVAL;
    }

    private Result HandleIntroduce(Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        if (DomainArgument(payload, 3, out _, out var domainId) is { } bad) return bad;
        if (domainId == 0 || domainId >= FirstReservedDomainId) return XsErrno.EINVAL;
        // Introducing again only re-establishes the connection, as in Xen.
        if (_domains.ContainsKey(domainId)) return Result.Ok;
        IntroduceDomain(domainId);
        _outcome.Mutations.Add(new IntroduceDomainMutation(domainId));
        _outcome.IntroducedDomains.Add(domainId);
        FireWatches(new Change(StorePath.IntroduceDomain, false, _introducePermissions));
        return Result.Ok;
    }

    private void IntroduceDomain(uint domainId) => _domains[domainId] = new DomainRecord(domainId);

    private Result HandleRelease(Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        if (DomainArgument(payload, 1, out _, out var domainId) is { } bad) return bad;
        if (domainId == 0) return XsErrno.EINVAL;
        if (!_domains.ContainsKey(domainId)) return XsErrno.ENOENT;
        ReleaseDomain(domainId);
        _outcome.Mutations.Add(new ReleaseDomainMutation(domainId));
        _outcome.ReleasedDomains.Add(domainId);
        FireWatches(new Change(StorePath.ReleaseDomain, false, _releasePermissions));
        return Result.Ok;
    }

    /// <summary>
    /// Forgets the domain, drops its sessions' state, hands the nodes it owned to dom0 and
    /// revokes the access it was granted elsewhere, so a later domain reusing the id gains
    /// nothing (Xen does the same since XSA-322).
    /// </summary>
    private void ReleaseDomain(uint domainId)
    {
        _domains.Remove(domainId);
        Quotas.ForgetDomain(domainId);
        foreach (var d in _domains.Values) if (d.Target == domainId) d.Target = null;
        foreach (var s in _sessions.Where(s => s.DomainId == domainId).ToList()) Disconnect(s);
        var affected = Tree.All.Where(kv => Mentions(kv.Value.Permissions, domainId)).Select(kv => kv.Key).ToList();
        foreach (var path in affected)
        {
            var node = Tree.Get(path)!;
            Tree.Set(path, node.Value, Revoke(node.Permissions, domainId));
        }
    }

    private static bool Mentions(NodePermissions permissions, uint domainId) =>
        permissions.Entries.Any(e => e.DomainId == domainId);

    private static NodePermissions Revoke(NodePermissions permissions, uint domainId)
    {
        var entries = new List<PermissionEntry>(permissions.Entries.Count);
        var first = permissions.Entries[0];
        entries.Add(first.DomainId == domainId ? first with { DomainId = 0 } : first);
        for (var i = 1; i < permissions.Entries.Count; i++)
            if (permissions.Entries[i].DomainId != domainId) entries.Add(permissions.Entries[i]);
        return new NodePermissions(entries);
    }

    private Result HandleResume(Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        if (DomainArgument(payload, 1, out _, out var domainId) is { } bad) return bad;
        return _domains.ContainsKey(domainId) ? Result.Ok : XsErrno.ENOENT;
    }

    private Result HandleSetTarget(Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        if (DomainArgument(payload, 2, out var args, out var domainId) is { } bad) return bad;
        if (!TryParseDomainId(args[1], out var target)) return XsErrno.EINVAL;
        if (!_domains.TryGetValue(domainId, out var domain) || !_domains.ContainsKey(target)) return XsErrno.ENOENT;
        domain.Target = target;
        _outcome.Mutations.Add(new SetTargetMutation(domainId, target));
        return Result.Ok;
    }

    private static Result HandleGetDomainPath(byte[] payload)
    {
        if (DomainArgument(payload, 1, out _, out var domainId) is { } bad) return bad;
        return Text(StorePath.DomainPath(domainId));
    }

    private Result HandleIsDomainIntroduced(byte[] payload)
    {
        if (DomainArgument(payload, 1, out _, out var domainId) is { } bad) return bad;
        return Text(IsIntroduced(domainId) ? "T" : "F");
    }
}
