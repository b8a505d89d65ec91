using Xeno.Config.Domain;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Devices.Block;

/// <summary>
/// Applies <see cref="RootDeviceTranslation"/> to the spec a pv/pvh QEMU is started from, and
/// logs each change once per start, so an admin reading xenod's log learns why the guest's
/// /proc/cmdline differs from the config. HVM guests boot their own loader (or, with kernel=,
/// see emulated disks under their own names) and are left alone.
/// </summary>
internal static class GuestRootDevice
{
    public static DomainSpec Apply(DomainSpec spec, int domid, EngineLog log)
    {
        if (spec.Kind == DomainKind.Hvm || string.IsNullOrEmpty(spec.Cmdline))
            return spec;
        var translated = RootDeviceTranslation.Translate(spec.Cmdline, spec.Disks);
        foreach (var r in translated.Renames)
            log.Info($"Domain {domid}: root={r.From} on the kernel command line is root={r.To} in the guest (virtio disks in vdev order)");
        foreach (var name in translated.Unknown)
            log.Info($"Domain {domid}: root={name} names none of the domain's disks; left as it is");
        return translated.Renames.Count == 0 ? spec : spec with { Cmdline = translated.CommandLine };
    }
}
