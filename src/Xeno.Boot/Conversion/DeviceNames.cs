using System.Text.RegularExpressions;

namespace Xeno.Boot.Conversion;

/// <summary>
/// Device names that differ between pv and hvm: the guest's first disk is /dev/xvda under Xen pv,
/// /dev/vda under Xeno's pv (virtio), /dev/sda or /dev/hda under hvm (IDE/SATA). A partition of
/// it is named by its filesystem UUID instead, which holds under all of them.
/// </summary>
public static partial class DeviceNames
{
    [GeneratedRegex(@"^/dev/(?:xvd|sd|hd|vd)a(\d+)$")]
    private static partial Regex FirstDiskPartition();

    /// <summary>UUID=… for a /dev name of a partition of the first disk whose UUID is known; null otherwise.</summary>
    public static string? Portable(string device, IReadOnlyDictionary<int, string> partitionUuids)
    {
        var match = FirstDiskPartition().Match(device);
        if (!match.Success) return null;
        return int.TryParse(match.Groups[1].Value, out var number) && partitionUuids.TryGetValue(number, out var uuid)
            ? $"UUID={uuid}"
            : null;
    }

    /// <summary>True for /dev names whose meaning depends on pv vs hvm (xvdX, sdX, hdX, vdX).</summary>
    public static bool DependsOnType(string device) => DiskName().IsMatch(device);

    [GeneratedRegex(@"^/dev/(?:xvd|sd|hd|vd)[a-z]+\d*$")]
    private static partial Regex DiskName();
}
