using Xeno.Api.Contracts;
using Xeno.Engine.Domains;
using Xeno.Network.Planning;

namespace Xeno.Engine.Network.Hotplug;

/// <summary>
/// A domain's NICs as xl network-list shows them: one per vif of its spec (hot-attached NICs
/// join the spec), with the xenstore values Xeno writes for them: the frontend connected
/// (state 4), no event channel or ring grants under QEMU (-1, xl's "cannot read").
/// </summary>
internal static class NicListing
{
    /// <summary>XenbusStateConnected.</summary>
    public const int Connected = 4;

    public static IReadOnlyList<NicInfo> Of(DomainSnapshot domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return [.. domain.Spec.Vifs.OrderBy(v => v.Devid).Select(v =>
        {
            var plan = VifPlanner.Plan(v, domain.Domid, domain.Spec.Kind);
            return new NicInfo
            {
                Devid = v.Devid,
                BackendId = 0,
                Mac = v.Mac,
                State = Connected,
                EventChannel = -1,
                TxRingRef = -1,
                RxRingRef = -1,
                BackendPath = $"/local/domain/0/backend/vif/{domain.Domid}/{v.Devid}",
                Interface = plan.TapName,
                Type = v.Type,
                Model = plan.QemuModel,
                Bridge = v.Bridge,
                Script = plan.ScriptPath,
                Ip = v.Ip,
            };
        })];
    }
}
