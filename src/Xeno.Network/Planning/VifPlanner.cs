using System.Text.RegularExpressions;
using Xeno.Config.Domain;

namespace Xeno.Network.Planning;

/// <summary>Turns a domain's parsed <c>vif=</c> entries into <see cref="VifPlan"/>s.</summary>
public static partial class VifPlanner
{
    /// <summary>The plans of all vifs of a domain; duplicate devids or tap names are refused.</summary>
    public static IReadOnlyList<VifPlan> PlanAll(IReadOnlyList<DomainVif> vifs, int domid, DomainKind kind)
    {
        ArgumentNullException.ThrowIfNull(vifs);
        var plans = vifs.Select(v => Plan(v, domid, kind)).ToList();
        if (plans.GroupBy(p => p.Devid).FirstOrDefault(g => g.Count() > 1) is { } devid)
            throw new VifPlanException($"vif devid {devid.Key} is used twice");
        if (plans.GroupBy(p => p.TapName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } tap)
            throw new VifPlanException($"vifname \"{tap.Key}\" is used by two vifs");
        return plans;
    }

    public static VifPlan Plan(DomainVif vif, int domid, DomainKind kind)
    {
        ArgumentNullException.ThrowIfNull(vif);
        if (vif.Devid < 0)
            throw new VifPlanException($"vif devid {vif.Devid} is negative");
        if (!MacPattern().IsMatch(vif.Mac))
            throw new VifPlanException($"vif {vif.Devid}: mac \"{vif.Mac}\" is not a MAC address (xx:xx:xx:xx:xx:xx)");
        if ((Convert.ToByte(vif.Mac[..2], 16) & 1) != 0)
            throw new VifPlanException($"vif {vif.Devid}: mac {vif.Mac} is a multicast address; a NIC needs a unicast one");
        if (vif.Mtu is { } mtu && mtu is < 68 or > 65535)
            throw new VifPlanException($"vif {vif.Devid}: mtu {mtu} is out of range (68 to 65535)");
        if (vif.Type == "ioemu" && kind != DomainKind.Hvm)
            throw new VifPlanException("trying to create PV or PVH guest with an emulated interface");
        if (!string.IsNullOrEmpty(vif.Backend) && vif.Backend != "0" && vif.Backend != "Domain-0")
            throw new VifPlanException($"vif {vif.Devid}: backend=\"{vif.Backend}\": Xeno has no driver domains; the backend is always dom0");
        var (mode, path) = VifScripts.Classify(vif.Script);
        var addresses = VifAddresses.Parse(vif.Ip);
        return new VifPlan
        {
            Devid = vif.Devid,
            TapName = VifNaming.CheckedTapName(domid, vif.Devid, vif.VifName),
            Mac = vif.Mac,
            Mtu = vif.Mtu,
            QemuModel = NicModels.QemuDevice(kind == DomainKind.Hvm, vif.Type, vif.Model),
            Type = vif.Type,
            Mode = mode,
            ScriptPath = path,
            Bridge = vif.Bridge,
            Addresses = addresses,
            IpText = vif.Ip,
            GatewayDev = string.IsNullOrEmpty(vif.GatewayDev) ? null : vif.GatewayDev,
            Rate = vif.RateBytesPerInterval is { } bytes && vif.RateIntervalUsecs is { } usecs ? new VifRateLimit(bytes, usecs) : null,
            VifName = vif.VifName,
        };
    }

    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")]
    private static partial Regex MacPattern();
}
