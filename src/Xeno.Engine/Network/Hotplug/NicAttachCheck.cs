using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Config.Specs;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Network.Hotplug;

/// <summary>
/// xl network-attach's settings as the vif they make, decided as libxl decides them
/// (libxl__device_nic_setdefault, libxl__device_nextid). Pure; a refused request throws
/// an Invalid engine error and changes nothing.
/// </summary>
internal static class NicAttachCheck
{
    public static DomainVif Vif(int domid, DomainSpec spec, NicAttachRequest request, Random random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(request);
        var parsed = VifSpecParser.ParseArguments(request.Settings);
        if (!parsed.Ok)
            throw new EngineException(EngineErrorKind.Invalid, string.Join("\n", parsed.Errors));
        // libxl__device_nextid: one past the highest devid in use. A hot-attached NIC is
        // paravirtual unless type=ioemu says otherwise, for hvm guests too: libxl's default type at
        // hot-plug is vif (xen-networking.md, "Names/MAC/model").
        int next = spec.Vifs.Count == 0 ? 0 : spec.Vifs.Max(x => x.Devid) + 1;
        var defaults = new VifDefaults(request.DefaultBridge, request.DefaultScript, request.DefaultGatewayDev, request.DefaultBackend);
        var vif = DomainVifMapping.From(parsed.Value!, defaults, next, "vif", random);
        if (vif.Type == "ioemu" && spec.Kind != DomainKind.Hvm)
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:trying to create PV or PVH guest with an emulated interface");
        if (spec.Vifs.Any(x => x.Devid == vif.Devid))
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:vif devid {vif.Devid} is already in use");
        if (spec.Vifs.FirstOrDefault(x => x.Mac == vif.Mac) is { } twin)
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:mac {vif.Mac} is already the mac of vif {twin.Devid}");
        return vif;
    }
}
