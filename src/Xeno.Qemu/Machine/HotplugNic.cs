using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xeno.Qemu.Machine;

/// <summary>
/// The QMP side of a NIC added or removed while the guest runs (xl network-attach/-detach).
/// Pure: names and argument objects only. The ids are those of QEMU's command line
/// (<see cref="NicArguments"/>: net&lt;devid&gt;, nic&lt;devid&gt;), so a NIC from create detaches
/// the same way as a hot-plugged one.
/// </summary>
public static class HotplugNic
{
    public static string NetdevId(int devid) => "net" + devid.ToString(CultureInfo.InvariantCulture);

    public static string DeviceId(int devid) => "nic" + devid.ToString(CultureInfo.InvariantCulture);

    /// <summary>netdev_add's arguments: the tap the toolstack made, opened by name (QEMU neither creates nor configures it).</summary>
    public static JsonObject NetdevAdd(NicSpec nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        NicArguments.Validate([nic]);
        return new()
        {
            ["type"] = "tap",
            ["id"] = NetdevId(nic.Devid),
            ["ifname"] = nic.TapName,
            ["script"] = "no",
            ["downscript"] = "no",
        };
    }

    /// <summary>device_add's arguments: the guest NIC of the vif's model, on the hot-pluggable PCI bus, with the vif's MAC.</summary>
    public static JsonObject DeviceAdd(NicSpec nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        NicArguments.Validate([nic]);
        return new()
        {
            ["driver"] = nic.Model,
            ["id"] = DeviceId(nic.Devid),
            ["netdev"] = NetdevId(nic.Devid),
            ["mac"] = nic.Mac,
        };
    }

    /// <summary>
    /// Whether a QMP DEVICE_DELETED event's data is the guest device <paramref name="deviceId"/>
    /// (QEMU sends one for the device, with "device", and others for its parts, with only "path").
    /// </summary>
    public static bool IsDeletedDevice(JsonElement data, string deviceId) =>
        data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String
        && d.GetString() == deviceId;
}
