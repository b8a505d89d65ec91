using System.Text;
using Xeno.Config.Domain;
using Xeno.Config.Specs;

namespace Xeno.Engine.Devices.Block;

/// <summary>
/// The order a guest meets its disks in, and the names it gives them. Under Xen the name comes
/// from the vdev (xvdb is always xvdb); under QEMU Linux names virtio disks vda, vdb, … in PCI
/// probe order, which is the order of their -device arguments. So disks go onto the command line
/// sorted the way Xen's blkfront names them: by disk index (hda, sda and xvda are all index 0,
/// as blkfront gives all three the name xvda), then by device number; a legacy numeric vdev,
/// whose disk Xen does not decode, comes last. Pure.
/// </summary>
internal static class GuestDiskOrder
{
    /// <summary><paramref name="disks"/> in the order the guest's buses present them (stable).</summary>
    public static List<DomainDisk> Sort(IEnumerable<DomainDisk> disks) =>
        [.. disks.OrderBy(IndexOf).ThenBy(d => d.Devid)];

    /// <summary>
    /// The name a pv/pvh guest (all disks virtio) gives each disk at boot, by device number:
    /// vda, vdb, … in <see cref="Sort"/> order. A disk hot-plugged later takes Linux's lowest free
    /// letter instead, so this holds for the disks QEMU was started with.
    /// </summary>
    public static Dictionary<int, string> VirtioNames(IEnumerable<DomainDisk> disks)
    {
        var names = new Dictionary<int, string>();
        int rank = 0;
        foreach (var d in Sort(disks))
            names[d.Devid] = "vd" + Letters(rank++);
        return names;
    }

    /// <summary>Linux's disk letters: a..z, aa..zz, aaa… (bijective base 26, as sd/vd use).</summary>
    public static string Letters(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var s = new StringBuilder();
        for (int n = index + 1; n > 0; n = (n - 1) / 26)
            s.Insert(0, (char)('a' + (n - 1) % 26));
        return s.ToString();
    }

    private static long IndexOf(DomainDisk d) =>
        Vdev.TryParse(d.Vdev, out var info) && info.Disk >= 0 ? info.Disk : long.MaxValue;
}
