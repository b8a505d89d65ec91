using System.Globalization;
using System.Text.Json.Nodes;

namespace Xeno.Qemu.Machine;

/// <summary>
/// The QMP side of a disk added or removed while the guest runs (xl block-attach/-detach,
/// cd-insert/-eject). Pure: names and argument objects only. A disk is named by its Xen device
/// number, the same name whether it was on QEMU's command line or hot-plugged, so detach and
/// medium changes find it either way.
/// </summary>
public static class HotplugDisk
{
    /// <summary>The drive id on the command line, and the block node name of a hot-plugged disk.</summary>
    public static string DriveId(int devid) => "vbd" + devid.ToString(CultureInfo.InvariantCulture);

    /// <summary>The guest device's qdev id (device_del, blockdev-change-medium, eject).</summary>
    public static string DeviceId(int devid) => DriveId(devid) + "-dev";

    /// <summary>
    /// blockdev-add's arguments: a format node (raw or qcow2) over a file or host block device.
    /// Devices under /dev are opened as host_device, so QEMU checks them as block devices.
    /// </summary>
    public static JsonObject BlockdevAdd(int devid, string path, DiskFormat format, bool readOnly) => new()
    {
        ["node-name"] = DriveId(devid),
        ["driver"] = format == DiskFormat.Qcow2 ? "qcow2" : "raw",
        ["read-only"] = readOnly,
        ["file"] = new JsonObject
        {
            ["driver"] = path.StartsWith("/dev/", StringComparison.Ordinal) ? "host_device" : "file",
            ["filename"] = path,
            ["read-only"] = readOnly,
        },
    };

    /// <summary>device_add's arguments: a paravirtual (virtio-blk) disk on the hot-pluggable PCI bus.</summary>
    public static JsonObject DeviceAdd(int devid) => new()
    {
        ["driver"] = "virtio-blk-pci",
        ["id"] = DeviceId(devid),
        ["drive"] = DriveId(devid),
    };

    /// <summary>blockdev-change-medium's arguments (xl cd-insert): the new image, read-only.</summary>
    public static JsonObject ChangeMedium(int devid, string path, DiskFormat format) => new()
    {
        ["id"] = DeviceId(devid),
        ["filename"] = path,
        ["format"] = format == DiskFormat.Qcow2 ? "qcow2" : "raw",
        ["read-only-mode"] = "read-only",
    };

    /// <summary>eject's arguments (xl cd-eject); forced, as Xen ignores a guest's tray lock.</summary>
    public static JsonObject Eject(int devid) => new()
    {
        ["id"] = DeviceId(devid),
        ["force"] = true,
    };
}
