using System.Text.Json;
using Xeno.Engine.Devices.Cpus;

namespace Xeno.Engine.Tests.Unit.Runtime;

/// <summary>query-hotpluggable-cpus read into slots, and vcpu-set's plan over them.</summary>
public sealed class CpuSlotsTests
{
    // QEMU 7.2's answer for -smp 2,maxcpus=4 on pc (newest slot first, as QEMU lists them).
    private const string Reply = """
        [
          {"props": {"core-id": 0, "thread-id": 0, "socket-id": 3}, "vcpus-count": 1, "type": "qemu64-x86_64-cpu"},
          {"props": {"core-id": 0, "thread-id": 0, "socket-id": 2}, "vcpus-count": 1, "type": "qemu64-x86_64-cpu"},
          {"props": {"core-id": 0, "thread-id": 0, "socket-id": 1}, "vcpus-count": 1, "qom-path": "/machine/unattached/device[1]", "type": "qemu64-x86_64-cpu"},
          {"props": {"core-id": 0, "thread-id": 0, "socket-id": 0}, "vcpus-count": 1, "qom-path": "/machine/unattached/device[0]", "type": "qemu64-x86_64-cpu"}
        ]
        """;

    private static IReadOnlyList<CpuSlot> Slots(string json = Reply) => CpuSlots.Read(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void SlotsAreInVcpuOrderWithTheirQomPaths()
    {
        var slots = Slots();
        Assert.Equal([0L, 1, 2, 3], slots.Select(s => s.Props.Single(p => p.Key == "socket-id").Value));
        Assert.Equal([true, true, false, false], slots.Select(s => s.Present));
        Assert.Equal("/machine/unattached/device[1]", slots[1].QomPath);
    }

    [Fact]
    public void DeviceAddTakesTheSlotsPropertiesBack()
    {
        var args = Slots()[2].DeviceAddArguments("vcpu2");
        Assert.Equal("""{"driver":"qemu64-x86_64-cpu","id":"vcpu2","core-id":0,"thread-id":0,"socket-id":2}""", args.ToJsonString());
    }

    [Fact]
    public void PlanPlugsTheLowestEmptySlotsAndUnplugsTheHighestPresentOnes()
    {
        var slots = Slots();
        var up = CpuSlots.Plan(slots, 4);
        Assert.Equal([slots[2], slots[3]], up.Add);
        Assert.Empty(up.Remove);
        var down = CpuSlots.Plan(slots, 1);
        Assert.Empty(down.Add);
        Assert.Equal([slots[1]], down.Remove);
        Assert.Equal((0, 0), (CpuSlots.Plan(slots, 2).Add.Count, CpuSlots.Plan(slots, 2).Remove.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuSlots.Plan(slots, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuSlots.Plan(slots, 5));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("""[{"type": "x"}]""")]
    [InlineData("""[{"type": 1, "props": {}}]""")]
    [InlineData("""[{"type": "x", "props": {"socket-id": "a"}}]""")]
    [InlineData("""[{"type": "x", "props": {"socket-id": -1}}]""")]
    public void ShapesOtherThanQemusAreRefusedClearly(string json)
    {
        var e = Assert.Throws<FormatException>(() => Slots(json));
        Assert.StartsWith("query-hotpluggable-cpus", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomRepliesEitherReadOrFailWithFormatException()
    {
        var random = new Random(7);
        string[] parts = ["[", "]", "{", "}", ",", ":", "\"type\"", "\"props\"", "\"qom-path\"", "\"socket-id\"", "1", "-2", "\"x\"", "null", "true", "[]", "{}"];
        for (int i = 0; i < 4000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 20)).Select(_ => parts[random.Next(parts.Length)]));
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException) { continue; }
            using (doc)
            {
                try
                {
                    var slots = CpuSlots.Read(doc.RootElement);
                    Assert.All(slots, s => Assert.False(string.IsNullOrEmpty(s.Type)));
                }
                catch (FormatException)
                {
                }
            }
        }
    }
}
