using System.Globalization;
using Xeno.Config.Domain;

namespace Xeno.Engine.Store;

/// <summary>
/// The xenstore nodes libxl writes for a domain (reference §5.4), as (path, value) pairs. Pure.
/// Console: Xeno's consoles are QEMU's (type ioemu); disks: a vbd frontend per disk with its
/// dom0 backend (state 4 = Connected, since QEMU serves it from the start).
/// </summary>
public static class DomainStoreNodes
{
    public static IReadOnlyList<(string Path, string Value)> For(int domid, string name, DomainSpec spec, DateTimeOffset start)
    {
        string d = Invariant($"/local/domain/{domid}");
        string vm = "/vm/" + spec.Uuid.ToString("D");
        var nodes = new List<(string, string)>
        {
            (vm + "/uuid", spec.Uuid.ToString("D")),
            (vm + "/name", name),
            (vm + "/start_time", Invariant($"{start.ToUnixTimeSeconds()}.{start.Millisecond / 10:00}")),
            (d + "/name", name),
            (d + "/domid", Invariant($"{domid}")),
            (d + "/vm", vm),
            (d + "/memory/static-max", Invariant($"{spec.MaxMemMiB * 1024}")),
            (d + "/memory/target", Invariant($"{spec.MemoryMiB * 1024}")),
            (d + "/console/type", "ioemu"),
            (d + "/console/limit", "1048576"),
            (d + "/console/output", "pty"),
            (d + "/control/platform-feature-multiprocessor-suspend", "1"),
            (d + "/control/platform-feature-xs_reset_watches", "1"),
            (Invariant($"/libxl/{domid}/type"), spec.Kind.ToXenName()),
        };
        nodes.AddRange(Devices.Cpus.VcpuStoreNodes.For(domid, spec.Vcpus, spec.MaxVcpus));
        foreach (var disk in spec.Disks)
            nodes.AddRange(DiskNodes(domid, disk));
        foreach (var vif in spec.Vifs)
            nodes.AddRange(Network.VifStoreNodes.For(domid, vif));
        return nodes;
    }

    /// <summary>One disk's vbd frontend and dom0 backend nodes (at create, xl block-attach, cd-insert).</summary>
    public static IReadOnlyList<(string Path, string Value)> DiskNodes(int domid, DomainDisk disk)
    {
        string front = FrontendPath(domid, disk.Devid);
        string back = BackendPath(domid, disk.Devid);
        string devtype = disk.IsCdrom ? "cdrom" : "disk";
        return
        [
            (front + "/backend", back),
            (front + "/backend-id", "0"),
            (front + "/state", "4"),
            (front + "/virtual-device", Invariant($"{disk.Devid}")),
            (front + "/device-type", devtype),
            (back + "/frontend", front),
            (back + "/frontend-id", Invariant($"{domid}")),
            (back + "/params", disk.Target ?? ""),
            (back + "/type", "qdisk"),
            (back + "/mode", disk.ReadOnly || disk.IsCdrom ? "r" : "w"),
            (back + "/dev", disk.Vdev),
            (back + "/device-type", devtype),
            (back + "/online", "1"),
            (back + "/removable", disk.IsCdrom ? "1" : "0"),
            (back + "/bootable", "1"),
            (back + "/state", "4"),
        ];
    }

    public static string FrontendPath(int domid, int devid) => Invariant($"/local/domain/{domid}/device/vbd/{devid}");

    public static string BackendPath(int domid, int devid) => Invariant($"/local/domain/0/backend/vbd/{domid}/{devid}");

    /// <summary>The subtrees removed when the domain goes.</summary>
    public static IReadOnlyList<string> Roots(int domid, DomainSpec spec) =>
    [
        Invariant($"/local/domain/{domid}"),
        "/vm/" + spec.Uuid.ToString("D"),
        Invariant($"/libxl/{domid}"),
        Invariant($"/local/domain/0/backend/vbd/{domid}"),
        Network.VifStoreNodes.BackendRoot(domid),
    ];

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
