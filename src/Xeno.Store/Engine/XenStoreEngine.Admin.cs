using System.Globalization;
using System.Text;
using Xeno.Store.Domains;
using Xeno.Store.Quotas;
using Xeno.Store.Sessions;
using Xeno.Store.Tree;
using Xeno.Store.Wire;

namespace Xeno.Store.Engine;

/// <summary>CONTROL, GET/SET_FEATURE and GET/SET_QUOTA: dom0-only administration.</summary>
public sealed partial class XenStoreEngine
{
    /// <summary>Feature bits this server offers: watch depth (4).</summary>
    public const uint ServerFeatures = 4;

    private static readonly string[] ControlCommands = ["check", "help", "log", "logfile", "memreport", "print", "quota", "quota-soft"];

    private Result HandleControl(StoreSession session, Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        var args = PayloadStrings.Split(payload);
        if (args.Count == 0) return XsErrno.EINVAL;
        var rest = args.GetRange(1, args.Count - 1);
        switch (args[0])
        {
            case "help":
                return Text(string.Join("", ControlCommands.Select(c => c + "\n")));
            case "check":
                return CheckInvariants() is { } problem ? Text(problem) : Result.Ok;
            case "log":
            case "logfile":
            case "print":
                return Result.Ok;
            case "memreport":
                return Text(string.Create(CultureInfo.InvariantCulture,
                    $"nodes: {Tree.Count}\nsessions: {_sessions.Count}\ndomains: {_domains.Count}\n"));
            case "quota":
                return ControlQuota(rest, soft: false);
            case "quota-soft":
                return ControlQuota(rest, soft: true);
            default:
                return XsErrno.EINVAL;
        }
    }

    /// <summary>
    /// "quota" without arguments lists the global values; "quota &lt;name&gt; &lt;value&gt;" sets one;
    /// "quota &lt;domid&gt;" shows a domain's limits next to its use.
    /// </summary>
    private Result ControlQuota(List<string> args, bool soft)
    {
        if (soft)
        {
            if (args.Count == 0) return Text(Line(QuotaNames.Memory, Quotas.SoftMemory));
            if (args.Count == 2 && args[0] == QuotaNames.Memory && long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                Quotas.SoftMemory = v;
                return Result.Ok;
            }
            return XsErrno.EINVAL;
        }
        if (args.Count == 0)
            return Text(string.Concat(QuotaNames.All.Select(n => Line(n, Quotas.Global(n)))));
        if (args.Count == 2 && QuotaSettings.IsKnown(args[0]))
        {
            if (!long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return XsErrno.EINVAL;
            Quotas.SetGlobal(args[0], value);
            _outcome.Mutations.Add(new SetQuotaMutation(null, args[0], value));
            return Result.Ok;
        }
        if (args.Count == 1 && TryParseDomainId(args[0], out var domainId))
        {
            if (!IsIntroduced(domainId)) return XsErrno.ENOENT;
            var sb = new StringBuilder();
            foreach (var name in QuotaNames.All)
                sb.Append(CultureInfo.InvariantCulture, $"{name,-18}: {Used(domainId, name),8} / {Quotas.For(domainId, name)}\n");
            return Text(sb.ToString());
        }
        return XsErrno.EINVAL;
    }

    private static string Line(string name, long value) =>
        string.Create(CultureInfo.InvariantCulture, $"{name,-18}: {value,8} {QuotaNames.Describe(name)}\n");

    private long Used(uint domainId, string name) => name switch
    {
        QuotaNames.Nodes => Tree.OwnedBy(domainId),
        QuotaNames.Memory => Tree.BytesOwnedBy(domainId),
        QuotaNames.Watches => _sessions.Where(s => s.DomainId == domainId).Sum(s => s.WatchCount),
        QuotaNames.Transactions => _sessions.Where(s => s.DomainId == domainId).Sum(s => s.TransactionCount),
        _ => 0,
    };

    private Result HandleGetFeature(Caller caller, byte[] payload)
    {
        var args = PayloadStrings.Split(payload);
        if (args.Count == 0) return Text(ServerFeatures.ToString(CultureInfo.InvariantCulture));
        if (!caller.Privileged) return XsErrno.EACCES;
        if (!TryParseDomainId(args[0], out var domainId)) return XsErrno.EINVAL;
        if (domainId == 0) return Text(ServerFeatures.ToString(CultureInfo.InvariantCulture));
        if (!_domains.TryGetValue(domainId, out var domain)) return XsErrno.ENOENT;
        return Text((domain.Features ?? ServerFeatures).ToString(CultureInfo.InvariantCulture));
    }

    private Result HandleSetFeature(Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        var args = PayloadStrings.Split(payload);
        if (args.Count != 2 || !TryParseDomainId(args[0], out var domainId)) return XsErrno.EINVAL;
        if (!uint.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return XsErrno.EINVAL;
        if (!_domains.TryGetValue(domainId, out var domain)) return XsErrno.ENOENT;
        // A domain can only be offered features the server has.
        if ((value & ~ServerFeatures) != 0) return XsErrno.EINVAL;
        domain.Features = value;
        return Result.Ok;
    }

    private Result HandleGetQuota(Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        var args = PayloadStrings.Split(payload);
        switch (args.Count)
        {
            case 0:
                return Encoding.ASCII.GetBytes(string.Concat(QuotaNames.All.Select(n => n + "\0")));
            case 1:
                if (!QuotaSettings.IsKnown(args[0])) return XsErrno.EINVAL;
                return Text(Quotas.Global(args[0]).ToString(CultureInfo.InvariantCulture));
            case 2:
                if (!TryParseDomainId(args[0], out var domainId) || !QuotaSettings.IsKnown(args[1])) return XsErrno.EINVAL;
                if (!IsIntroduced(domainId)) return XsErrno.ENOENT;
                return Text(Quotas.For(domainId, args[1]).ToString(CultureInfo.InvariantCulture));
            default:
                return XsErrno.EINVAL;
        }
    }

    private Result HandleSetQuota(Caller caller, byte[] payload)
    {
        if (!caller.Privileged) return XsErrno.EACCES;
        var args = PayloadStrings.Split(payload);
        uint? domainId = null;
        if (args.Count == 3)
        {
            if (!TryParseDomainId(args[0], out var d)) return XsErrno.EINVAL;
            domainId = d;
            args.RemoveAt(0);
        }
        if (args.Count != 2 || !QuotaSettings.IsKnown(args[0])) return XsErrno.EINVAL;
        if (!long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return XsErrno.EINVAL;
        if (domainId is { } id)
        {
            if (!_domains.ContainsKey(id)) return XsErrno.ENOENT;
            Quotas.SetForDomain(id, args[0], value);
        }
        else
        {
            Quotas.SetGlobal(args[0], value);
        }
        _outcome.Mutations.Add(new SetQuotaMutation(domainId, args[0], value));
        return Result.Ok;
    }
}
