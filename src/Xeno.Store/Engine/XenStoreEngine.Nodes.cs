using System.Globalization;
using System.Text;
using Xeno.Store.Quotas;
using Xeno.Store.Sessions;
using Xeno.Store.Transactions;
using Xeno.Store.Tree;
using Xeno.Store.Wire;

namespace Xeno.Store.Engine;

/// <summary>READ, WRITE, MKDIR, RM, DIRECTORY(_PART), GET_PERMS, SET_PERMS.</summary>
public sealed partial class XenStoreEngine
{
    private Result NodeRequest(StoreSession session, Caller caller, XsMessage request)
    {
        INodeAccess view = Tree;
        Transaction? tx = null;
        if (request.TransactionId != 0)
        {
            if (!session.Transactions.TryGetValue(request.TransactionId, out tx)) return XsErrno.ENOENT;
            view = tx.View;
            var writes = request.Type is XsMessageType.Write or XsMessageType.Mkdir or XsMessageType.Rm or XsMessageType.SetPerms;
            if (writes && !caller.Privileged && Quotas.Exceeds(caller.DomainId, QuotaNames.TransactionNodes, tx.View.ChangedNodes + 1))
                return XsErrno.ENOSPC;
        }
        var changes = new List<Change>();
        var p = request.Payload;
        var result = request.Type switch
        {
            XsMessageType.Read => Read(view, caller, p),
            XsMessageType.Write => Write(view, caller, p, changes),
            XsMessageType.Mkdir => Mkdir(view, caller, p, changes),
            XsMessageType.Rm => Rm(view, caller, p, changes),
            XsMessageType.Directory => Directory(view, caller, p),
            XsMessageType.DirectoryPart => DirectoryPart(view, caller, p),
            XsMessageType.GetPerms => GetPerms(view, caller, p),
            _ => SetPerms(view, caller, p, changes),
        };
        if (tx is null) foreach (var c in changes) FireWatches(c);
        else tx.Changes.AddRange(changes);
        return result;
    }

    /// <summary>Canonical path of a request argument, or the errno Xen gives for a bad one.</summary>
    private XsErrno? Resolve(Caller caller, string? raw, bool allowSpecial, out string path)
    {
        path = "";
        if (raw is null) return XsErrno.EINVAL;
        if (raw.StartsWith('@'))
        {
            if (!allowSpecial || !StorePath.IsSpecial(raw)) return XsErrno.EINVAL;
            path = raw;
            return null;
        }
        path = StorePath.Canonicalize(caller.DomainId, raw, out _);
        var pathMax = caller.Privileged ? StorePath.AbsoluteMax : (int)Math.Min(Quotas.For(caller.DomainId, QuotaNames.PathMax), StorePath.AbsoluteMax);
        return StorePath.IsValidNode(path, caller.DomainId, pathMax) ? null : XsErrno.EINVAL;
    }

    /// <summary>
    /// Looks a node up with an access check. On failure Xen hides what the caller may not
    /// know: without the wanted access to the closest existing ancestor the answer is EACCES.
    /// </summary>
    private static XsErrno? GetNode(INodeAccess view, Caller caller, string path, Access wanted, out StoreNode? node)
    {
        node = view.Get(path);
        XsErrno error;
        if (node is not null)
        {
            if (caller.Can(node.Permissions, wanted)) return null;
            node = null;
            error = XsErrno.EACCES;
        }
        else
        {
            error = XsErrno.ENOENT;
        }
        var ancestor = path;
        StoreNode? above = null;
        while (above is null && ancestor != "/")
        {
            ancestor = StorePath.Parent(ancestor);
            above = view.Get(ancestor);
        }
        if (above is not null && !caller.CanAny(above.Permissions, wanted)) return XsErrno.EACCES;
        return error;
    }

    private Result Read(INodeAccess view, Caller caller, byte[] payload)
    {
        if (Resolve(caller, PayloadStrings.First(payload, out _), false, out var path) is { } bad) return bad;
        if (GetNode(view, caller, path, Access.Read, out var node) is { } error) return error;
        return node!.Value;
    }

    private Result Write(INodeAccess view, Caller caller, byte[] payload, List<Change> changes)
    {
        var raw = PayloadStrings.First(payload, out var next);
        if (Resolve(caller, raw, false, out var path) is { } bad) return bad;
        var value = payload.AsSpan(next).ToArray();
        if (!caller.Privileged && Quotas.Exceeds(caller.DomainId, QuotaNames.NodeSize, value.Length)) return XsErrno.ENOSPC;
        return SetValue(view, caller, path, value, changes);
    }

    private Result Mkdir(INodeAccess view, Caller caller, byte[] payload, List<Change> changes)
    {
        if (Resolve(caller, PayloadStrings.First(payload, out _), false, out var path) is { } bad) return bad;
        var error = GetNode(view, caller, path, Access.Write, out var node);
        if (node is not null) return Result.Ok;
        if (error != XsErrno.ENOENT) return error!.Value;
        return SetValue(view, caller, path, [], changes);
    }

    private Result SetValue(INodeAccess view, Caller caller, string path, byte[] value, List<Change> changes)
    {
        var error = GetNode(view, caller, path, Access.Write, out var node);
        if (node is not null)
        {
            if (!caller.Privileged && node.Permissions.Owner == caller.DomainId &&
                Quotas.Exceeds(caller.DomainId, QuotaNames.Memory, view.BytesOwnedBy(caller.DomainId) + value.Length - node.Value.Length))
                return XsErrno.ENOMEM;
            view.Set(path, value, node.Permissions);
            changes.Add(new Change(path, false, node.Permissions));
            return Result.Ok;
        }
        if (error != XsErrno.ENOENT) return error!.Value;

        var missing = new List<string>();
        var existing = path;
        StoreNode? parent;
        while ((parent = view.Get(existing)) is null)
        {
            missing.Add(existing);
            existing = StorePath.Parent(existing);
        }
        if (!caller.Privileged && Quotas.Exceeds(caller.DomainId, QuotaNames.Nodes, view.OwnedBy(caller.DomainId) + missing.Count))
            return XsErrno.ENOSPC;
        // Children inherit their parent's permissions; an unprivileged creator owns what it creates.
        var permissions = caller.Privileged ? parent.Permissions : parent.Permissions.WithOwner(caller.DomainId);
        if (!caller.Privileged)
        {
            var added = missing.Sum(m => StoreNode.AccountedSize(m, m == path ? value.Length : 0, permissions));
            if (Quotas.Exceeds(caller.DomainId, QuotaNames.Memory, view.BytesOwnedBy(caller.DomainId) + added)) return XsErrno.ENOMEM;
        }
        for (var i = missing.Count - 1; i >= 0; i--)
            view.Set(missing[i], i == 0 ? value : [], permissions);
        changes.Add(new Change(path, false, permissions));
        return Result.Ok;
    }

    private Result Rm(INodeAccess view, Caller caller, byte[] payload, List<Change> changes)
    {
        if (Resolve(caller, PayloadStrings.First(payload, out _), false, out var path) is { } bad) return bad;
        var error = GetNode(view, caller, path, Access.Write, out var node);
        if (node is null)
        {
            // Removing something absent is fine as long as its parent exists.
            if (error == XsErrno.ENOENT && view.Get(StorePath.Parent(path)) is not null) return Result.Ok;
            return error!.Value;
        }
        if (path == "/") return XsErrno.EINVAL;
        RemoveSubtree(view, path);
        changes.Add(new Change(path, true, node.Permissions));
        return Result.Ok;
    }

    private static void RemoveSubtree(INodeAccess view, string root)
    {
        // Post-order without recursion: deep trees must not overflow the stack.
        var order = new List<string>();
        var stack = new Stack<string>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var path = stack.Pop();
            order.Add(path);
            var node = view.Get(path);
            if (node is null) continue;
            foreach (var child in node.Children) stack.Push(StorePath.Child(path, child));
        }
        for (var i = order.Count - 1; i >= 0; i--) view.Remove(order[i]);
    }

    private Result Directory(INodeAccess view, Caller caller, byte[] payload)
    {
        if (Resolve(caller, PayloadStrings.First(payload, out _), false, out var path) is { } bad) return bad;
        if (GetNode(view, caller, path, Access.Read, out var node) is { } error) return error;
        var bytes = node!.ChildList;
        return bytes.Length > XsHeader.PayloadMax ? XsErrno.E2BIG : bytes;
    }

    private Result DirectoryPart(INodeAccess view, Caller caller, byte[] payload)
    {
        var args = PayloadStrings.Split(payload);
        if (args.Count != 2 || PayloadStrings.CountTerminated(payload) != 2) return XsErrno.EINVAL;
        if (Resolve(caller, args[0], false, out var path) is { } bad) return bad;
        if (GetNode(view, caller, path, Access.Read, out var node) is { } error) return error;
        if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) return XsErrno.EINVAL;

        var gen = Encoding.ASCII.GetBytes(node!.Generation.ToString(CultureInfo.InvariantCulture) + "\0");
        var children = node.ChildList;
        using var reply = new MemoryStream();
        reply.Write(gen);
        if (offset >= children.Length)
        {
            reply.WriteByte(0);
            return reply.ToArray();
        }
        // Whole names only, as many as fit; an empty name marks the end of the list.
        var end = offset;
        while (end < children.Length)
        {
            var nul = Array.IndexOf(children, (byte)0, end);
            if (gen.Length + (nul + 1 - offset) >= XsHeader.PayloadMax) break;
            end = nul + 1;
        }
        reply.Write(children, offset, end - offset);
        if (end == children.Length) reply.WriteByte(0);
        return reply.ToArray();
    }

    private Result GetPerms(INodeAccess view, Caller caller, byte[] payload)
    {
        if (Resolve(caller, PayloadStrings.First(payload, out _), true, out var path) is { } bad) return bad;
        if (path.StartsWith('@'))
        {
            var special = SpecialPermissions(path);
            return caller.Can(special, Access.Read) ? special.ToWire() : XsErrno.EACCES;
        }
        if (GetNode(view, caller, path, Access.Read, out var node) is { } error) return error;
        return node!.Permissions.ToWire();
    }

    private Result SetPerms(INodeAccess view, Caller caller, byte[] payload, List<Change> changes)
    {
        var args = PayloadStrings.Split(payload);
        if (args.Count < 2) return XsErrno.EINVAL;
        // Xen checks the count against the quota before it parses anything.
        if (!caller.Privileged && Quotas.Exceeds(caller.DomainId, QuotaNames.NodePermissions, args.Count - 1))
            return XsErrno.ENOSPC;
        if (!NodePermissions.TryParse(args.GetRange(1, args.Count - 1), out var permissions)) return XsErrno.EINVAL;
        if (Resolve(caller, args[0], true, out var path) is { } bad) return bad;

        if (path.StartsWith('@'))
        {
            var current = SpecialPermissions(path);
            if (!caller.Can(current, Access.Write | Access.Owner)) return XsErrno.EACCES;
            if (!caller.Privileged && permissions!.Owner != current.Owner) return XsErrno.EPERM;
            SetSpecialPermissions(path, permissions!);
            _outcome.Mutations.Add(new SetSpecialPermissionsMutation(path, permissions!));
            return Result.Ok;
        }

        if (GetNode(view, caller, path, Access.Write | Access.Owner, out var node) is { } error) return error;
        if (!caller.Privileged && permissions!.Owner != node!.Permissions.Owner) return XsErrno.EPERM;
        view.Set(path, node!.Value, permissions!);
        changes.Add(new Change(path, false, permissions!, node.Permissions));
        return Result.Ok;
    }

    private NodePermissions SpecialPermissions(string path) =>
        path == StorePath.IntroduceDomain ? _introducePermissions : _releasePermissions;

    private void SetSpecialPermissions(string path, NodePermissions permissions)
    {
        if (path == StorePath.IntroduceDomain) _introducePermissions = permissions;
        else _releasePermissions = permissions;
    }
}
