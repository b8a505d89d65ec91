using System.Text.Json.Nodes;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Network;

namespace Xeno.Engine.Tests.Network;

/// <summary>A domain's host network effects in its runtime record.</summary>
public sealed class HostNetworkEffectsTests
{
    [Fact]
    public void EffectsSurviveTheRuntimeRecord()
    {
        var spec = Unit.Specs.From(Unit.Specs.Samples[2]);
        var d = new Domain(4, spec, new EnginePaths("/p").FilesFor(4, "p"), DateTimeOffset.UnixEpoch)
        {
            Network = new HostNetworkEffects(["vif4.0"], [["ip", "tuntap", "del", "dev", "vif4.0", "mode", "tap"], ["nft", "delete", "table", "bridge", "x"]]),
        };
        var back = RuntimeRecord.FromJson(RuntimeRecord.Of(d).ToJson()).Network;
        Assert.Equal(["vif4.0"], back.Taps);
        Assert.Equal(d.Network.Undo, back.Undo);
    }

    [Fact]
    public void ARecordWithoutNetworkHasNoEffects()
    {
        var spec = Unit.Specs.From(Unit.Specs.Samples[0]);
        var d = new Domain(4, spec, new EnginePaths("/p").FilesFor(4, "p"), DateTimeOffset.UnixEpoch);
        var json = RuntimeRecord.Of(d).ToJson();
        Assert.Null(JsonNode.Parse(json)!["network"]);
        Assert.True(RuntimeRecord.FromJson(json).Network.IsEmpty);
    }

    [Fact]
    public void AnUndoCommandOutsideTheNetworkToolsMakesTheRecordDamaged()
    {
        var o = new JsonObject { ["taps"] = new JsonArray(), ["undo"] = new JsonArray(new JsonArray("rm", "-rf", "/")) };
        var e = Assert.Throws<InvalidDataException>(() => HostNetworkEffects.FromJson(o));
        Assert.Contains("rm -rf /", e.Message, StringComparison.Ordinal);
    }
}
