using System.Text.Json;
using Xeno.Config.Domain;
using Xeno.Engine.Statistics;

namespace Xeno.Engine.Tests.Unit.Runtime;

/// <summary>query-blockstats read into xentop's per-disk counters.</summary>
public sealed class BlockStatsReplyTests
{
    private static readonly DomainDisk[] Disks =
    [
        new() { Format = "raw", Vdev = "xvda", Devid = 51712, ReadOnly = false, IsCdrom = false, Target = "/a" },
        new() { Format = "raw", Vdev = "xvdb", Devid = 51728, ReadOnly = false, IsCdrom = false, Target = "/b" },
    ];

    [Fact]
    public void CountersComeFromEachDrive()
    {
        var reply = JsonDocument.Parse("""
            [{"device": "disk1", "qdev": "/machine/peripheral-anon/device[1]/virtio-backend",
              "stats": {"rd_operations": 5, "wr_operations": 7, "rd_bytes": 4096, "wr_bytes": 1024, "flush_operations": 2}},
             {"device": "disk0", "stats": {"rd_operations": 100, "wr_operations": 0, "rd_bytes": 51200, "wr_bytes": 0}}]
            """).RootElement;
        var stats = BlockStatsReply.Read(reply, Disks);
        Assert.Equal(("xvda", 51712, false, 100L, 0L, 100L, 0L), (stats[0].Device, stats[0].Devid, stats[0].Error, stats[0].ReadRequests, stats[0].WriteRequests, stats[0].ReadSectors, stats[0].WriteSectors));
        Assert.Equal(("xvdb", 5L, 7L, 8L, 2L), (stats[1].Device, stats[1].ReadRequests, stats[1].WriteRequests, stats[1].ReadSectors, stats[1].WriteSectors));
    }

    [Fact]
    public void ADriveMissingFromTheAnswerIsUnknown()
    {
        var stats = BlockStatsReply.Read(JsonDocument.Parse("[]").RootElement, Disks);
        Assert.All(stats, s => Assert.True(s.Error));
    }

    [Fact]
    public void RandomRepliesNeverThrowAndNeverGoNegative()
    {
        var random = new Random(99);
        string[] parts = ["[", "]", "{", "}", ",", ":", "\"device\"", "\"stats\"", "\"disk0\"", "\"disk1\"", "\"rd_operations\"", "\"wr_bytes\"", "1", "-5", "1e400", "99999999999999999999", "\"x\"", "null"];
        for (int i = 0; i < 4000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 24)).Select(_ => parts[random.Next(parts.Length)]));
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException) { continue; }
            using (doc)
            {
                var stats = BlockStatsReply.Read(doc.RootElement, Disks);
                Assert.Equal(2, stats.Count);
                Assert.All(stats, s => Assert.True(s.ReadRequests >= 0 && s.WriteRequests >= 0 && s.ReadSectors >= 0 && s.WriteSectors >= 0));
            }
        }
    }
}
