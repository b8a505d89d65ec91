using Xeno.Config.Domain;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Network;

/// <summary>A domain's vifs as QEMU NICs: the same plans the host set-up used, so the tap names agree.</summary>
internal static class NicMapper
{
    public static IReadOnlyList<NicSpec> Map(DomainSpec spec, int domid) =>
        VifNetwork.Plans(spec, domid).Select(p => new NicSpec(p.Devid, p.TapName, p.Mac, p.QemuModel)).ToList();
}
