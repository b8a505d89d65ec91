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
        for (int i = 0; i < spec.MaxVcpus; i++)
            nodes.Add((Invariant($"{d}/cpu/{i}/availability"), i < spec.Vcpus ? "online" : "offline"));
        foreach (var disk in spec.Disks)
        {
            string front = Invariant($"{d}/device/vbd/{disk.Devid}");
            string back = Invariant($"/local/domain/0/backend/vbd/{domid}/{disk.Devid}");
            string devtype = disk.IsCdrom ? "cdrom" : "disk";
            nodes.Add((front + "/backend", back));
            nodes.Add((front + "/backend-id", "0"));
            nodes.Add((front + "/state", "4"));
            nodes.Add((front + "/virtual-device", Invariant($"{disk.Devid}")));
            nodes.Add((front + "/device-type", devtype));
            nodes.Add((back + "/frontend", front));
            nodes.Add((back + "/frontend-id", Invariant($"{domid}")));
            nodes.Add((back + "/params", disk.Target ?? ""));
            nodes.Add((back + "/type", "qdisk"));
            nodes.Add((back + "/mode", disk.ReadOnly || disk.IsCdrom ? "r" : "w"));
            nodes.Add((back + "/dev", disk.Vdev));
            nodes.Add((back + "/device-type", devtype));
            nodes.Add((back + "/online", "1"));
            nodes.Add((back + "/removable", disk.IsCdrom ? "1" : "0"));
            nodes.Add((back + "/bootable", "1"));
            nodes.Add((back + "/state", "4"));
        }
        foreach (var vif in spec.Vifs)
            nodes.AddRange(Network.VifStoreNodes.For(domid, vif));
        return nodes;
    }

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
