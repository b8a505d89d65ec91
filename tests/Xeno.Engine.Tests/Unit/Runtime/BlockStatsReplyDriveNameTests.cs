using System.Text.Json;
using Xeno.Config.Domain;
using Xeno.Engine.Statistics;

namespace Xeno.Engine.Tests.Unit.Runtime;

/// <summary>
/// query-blockstats as QEMU answers for xenod's own drive names (vbd&lt;devid&gt;, MachineMapper):
/// a command-line drive by its id, a hot-plugged disk by its block node or device id.
/// </summary>
public sealed class BlockStatsReplyDriveNameTests
{
    [Fact]
    public void XenodsDriveNamesAreFoundOnTheCommandLineAndHotPlugged()
    {
        DomainDisk[] disks =
        [
            new() { Format = "raw", Vdev = "xvda", Devid = 51712, ReadOnly = false, IsCdrom = false, Target = "/a" },
            new() { Format = "raw", Vdev = "xvdb", Devid = 51728, ReadOnly = false, IsCdrom = false, Target = "/b" },
            new() { Format = "raw", Vdev = "xvdc", Devid = 51744, ReadOnly = false, IsCdrom = false, Target = "/c" },
        ];
        var reply = JsonDocument.Parse("""
            [{"device": "vbd51712", "qdev": "/machine/peripheral-anon/device[0]/virtio-backend", "stats": {"rd_operations": 3, "wr_operations": 1, "rd_bytes": 1024, "wr_bytes": 512}},
             {"device": "", "node-name": "vbd51728", "qdev": "vbd51728-dev", "stats": {"rd_operations": 9, "wr_operations": 0, "rd_bytes": 0, "wr_bytes": 0}}]
            """).RootElement;
        var stats = BlockStatsReply.Read(reply, disks);
        Assert.Equal((false, 3L, 1L, 2L, 1L), (stats[0].Error, stats[0].ReadRequests, stats[0].WriteRequests, stats[0].ReadSectors, stats[0].WriteSectors));
        Assert.Equal((false, 9L), (stats[1].Error, stats[1].ReadRequests));
        Assert.True(stats[2].Error);
    }
}
