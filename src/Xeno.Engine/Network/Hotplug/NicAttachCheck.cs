using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Config.Host;
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
        var v = parsed.Value!;
        // A hot-attached NIC is paravirtual unless type=ioemu says otherwise, for hvm guests too:
        // libxl's default type at hot-plug is vif (xen-networking.md, "Names/MAC/model").
        var type = v.Type ?? "vif";
        if (type == "ioemu" && spec.Kind != DomainKind.Hvm)
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:trying to create PV or PVH guest with an emulated interface");
        // libxl__device_nextid: one past the highest devid in use.
        int devid = v.Devid ?? (spec.Vifs.Count == 0 ? 0 : spec.Vifs.Max(x => x.Devid) + 1);
        if (spec.Vifs.Any(x => x.Devid == devid))
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:vif devid {devid} is already in use");
        var mac = v.Mac ?? VifSpecParser.RandomMac(random);
        if (spec.Vifs.FirstOrDefault(x => x.Mac == mac) is { } twin)
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:mac {mac} is already the mac of vif {twin.Devid}");
        return new DomainVif
        {
            Devid = devid,
            Mac = mac,
            Bridge = v.Bridge ?? request.DefaultBridge ?? GlobalConfig.DefaultBridge,
            Ip = v.Ip,
            Script = v.Script ?? request.DefaultScript ?? GlobalConfig.DefaultVifScript,
            Type = type,
            Model = v.Model ?? "rtl8139",
            VifName = v.VifName,
            RateBytesPerInterval = v.Rate?.BytesPerInterval,
            RateIntervalUsecs = v.Rate?.IntervalUsecs,
            Mtu = v.Mtu,
            GatewayDev = v.GatewayDev ?? request.DefaultGatewayDev,
            Backend = v.Backend ?? request.DefaultBackend,
        };
    }
}
