using Xeno.Config.Host;
using Xeno.Config.Specs;

namespace Xeno.Config.Domain;

/// <summary>The host's vif defaults (xl.conf's <c>vif.default.*</c>): what a vif gets when its own settings say nothing.</summary>
public sealed record VifDefaults(string? Bridge = null, string? Script = null, string? GatewayDev = null, string? Backend = null);

/// <summary>
/// One parsed vif (a <c>vif=</c> entry at create, or xl network-attach's settings) as the
/// domain's <see cref="DomainVif"/>, as libxl__device_nic_setdefault fills it: the vif's own
/// value, else the host's default, else Xen's (bridge <c>xenbr0</c>, script <c>vif-bridge</c>,
/// model <c>rtl8139</c>, a random <c>00:16:3e</c> MAC). What differs between create and
/// hot-plug is the caller's: the devid and type used when the vif names none. Pure.
/// </summary>
public static class DomainVifMapping
{
    public static DomainVif From(VifSpec spec, VifDefaults defaults, int nextDevid, string defaultType, Random random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(random);
        return new DomainVif
        {
            Devid = spec.Devid ?? nextDevid,
            Mac = spec.Mac ?? VifSpecParser.RandomMac(random),
            Bridge = spec.Bridge ?? defaults.Bridge ?? GlobalConfig.DefaultBridge,
            Ip = spec.Ip,
            Script = spec.Script ?? defaults.Script ?? GlobalConfig.DefaultVifScript,
            Type = spec.Type ?? defaultType,
            Model = spec.Model ?? "rtl8139",
            VifName = spec.VifName,
            RateBytesPerInterval = spec.Rate?.BytesPerInterval,
            RateIntervalUsecs = spec.Rate?.IntervalUsecs,
            Mtu = spec.Mtu,
            GatewayDev = spec.GatewayDev ?? defaults.GatewayDev,
            Backend = spec.Backend ?? defaults.Backend,
        };
    }
}
