using System.Text.Json;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;

namespace Xeno.Engine.Statistics;

/// <summary>
/// Reads QMP query-blockstats' answer into xentop's per-disk counters. Pure: QEMU's reply is
/// untrusted input, so anything not shaped as expected is skipped, never thrown on.
/// Sectors are 512 bytes, as blkback counts them.
/// </summary>
public static class BlockStatsReply
{
    public const int SectorBytes = 512;

    /// <summary>The counters of each of <paramref name="disks"/>: found by xenod's drive name "vbd&lt;devid&gt;" (its node or device name when hot-plugged), else QemuCommandLine's "disk&lt;i&gt;".</summary>
    public static IReadOnlyList<BlockStatistics> Read(JsonElement reply, IReadOnlyList<DomainDisk> disks)
    {
        var byDevice = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (reply.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in reply.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("stats", out var stats) || stats.ValueKind != JsonValueKind.Object)
                    continue;
                // A command-line drive is found by its id ("device"); a hot-plugged one has no
                // drive, only its block node and guest device.
                foreach (var key in new[] { "device", "node-name", "qdev" })
                {
                    if (entry.TryGetProperty(key, out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n)
                        byDevice.TryAdd(n, stats);
                }
            }
        }
        var result = new List<BlockStatistics>(disks.Count);
        for (int i = 0; i < disks.Count; i++)
        {
            // xenod names drives by Xen device number (HotplugDisk); "disk<i>" is QemuCommandLine's name for an unnamed one.
            var devid = disks[i].Devid;
            if (!byDevice.TryGetValue(Xeno.Qemu.Machine.HotplugDisk.DriveId(devid), out var s)
                && !byDevice.TryGetValue(Xeno.Qemu.Machine.HotplugDisk.DeviceId(devid), out s)
                && !byDevice.TryGetValue("disk" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), out s))
            {
                result.Add(Unavailable(disks[i]));
                continue;
            }
            result.Add(new BlockStatistics
            {
                Device = disks[i].Vdev,
                Devid = disks[i].Devid,
                Error = false,
                ReadRequests = Count(s, "rd_operations"),
                WriteRequests = Count(s, "wr_operations"),
                ReadSectors = Count(s, "rd_bytes") / SectorBytes,
                WriteSectors = Count(s, "wr_bytes") / SectorBytes,
            });
        }
        return result;
    }

    /// <summary>A disk whose counters are unknown (QEMU did not answer in time): xentop prints "-".</summary>
    public static BlockStatistics Unavailable(DomainDisk disk) =>
        new() { Device = disk.Vdev, Devid = disk.Devid, Error = true };

    private static long Count(JsonElement stats, string name) =>
        stats.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n >= 0 ? n : 0;
}
