using Xeno.Api.Contracts;
using Xeno.Engine.Domains;
using Xeno.Engine.Network;
using Xeno.Engine.Network.Hotplug;
using Xeno.Network.Filtering;
using Xeno.Network.Host;

namespace Xeno.Engine.Tests.Network.Hotplug;

/// <summary>xl network-attach's settings as the vif libxl would make, and the host effects that belong to one vif.</summary>
public sealed class NicAttachCheckTests
{
    private const string Pv = "name=\"n\"\ntype=\"pv\"\nkernel=\"/k\"\nmemory=128\n";
    private const string Hvm = "name=\"n\"\ntype=\"hvm\"\nmemory=128\n";

    private static NicAttachRequest Request(params string[] settings) => new() { Settings = settings };

    [Fact]
    public void DevidIsOnePastTheHighestAndTheDefaultsFillTheRest()
    {
        var spec = Unit.Specs.From(Pv + "vif=['devid=4,mac=00:16:3e:00:00:04', 'mac=00:16:3e:00:00:01']\n");
        var vif = NicAttachCheck.Vif(9, spec, Request("mac=00:16:3E:AA:BB:CC") with { DefaultBridge = "br7", DefaultGatewayDev = "eth3" }, new Random(1));
        Assert.Equal((5, "00:16:3e:aa:bb:cc", "br7", "vif-bridge", "vif", "eth3"), (vif.Devid, vif.Mac, vif.Bridge, vif.Script, vif.Type, vif.GatewayDev));
        var first = NicAttachCheck.Vif(9, Unit.Specs.From(Pv), Request("script=vif-route", "ip=10.1.2.3", "rate=10Mb/s"), new Random(1));
        Assert.Equal((0, "xenbr0", "vif-route", "10.1.2.3", 62500L, 50000L),
            (first.Devid, first.Bridge, first.Script, first.Ip, first.RateBytesPerInterval, first.RateIntervalUsecs));
        // Xen's random scheme: 00:16:3e, then a byte with the top bit clear.
        Assert.Matches("^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$", first.Mac);
    }

    [Fact]
    public void AnHvmGuestsHotAttachedNicIsParavirtualUnlessTypeIoemu()
    {
        var spec = Unit.Specs.From(Hvm);
        Assert.Equal("vif", NicAttachCheck.Vif(1, spec, Request(), Random.Shared).Type);
        var emulated = NicAttachCheck.Vif(1, spec, Request("type=ioemu", "model=e1000"), Random.Shared);
        Assert.Equal(("ioemu", "e1000"), (emulated.Type, emulated.Model));
    }

    [Fact]
    public void RefusalsNameTheProblem()
    {
        var spec = Unit.Specs.From(Pv + "vif=['mac=00:16:3e:00:00:01']\n");
        Assert.Equal("libxl: error: Domain 3:trying to create PV or PVH guest with an emulated interface",
            Assert.Throws<EngineException>(() => NicAttachCheck.Vif(3, spec, Request("type=ioemu"), Random.Shared)).Message);
        Assert.Equal("libxl: error: Domain 3:vif devid 0 is already in use",
            Assert.Throws<EngineException>(() => NicAttachCheck.Vif(3, spec, Request("devid=0"), Random.Shared)).Message);
        Assert.Equal("libxl: error: Domain 3:mac 00:16:3e:00:00:01 is already the mac of vif 0",
            Assert.Throws<EngineException>(() => NicAttachCheck.Vif(3, spec, Request("mac=00:16:3e:00:00:01"), Random.Shared)).Message);
        var bad = Assert.Throws<EngineException>(() => NicAttachCheck.Vif(3, spec, Request("rate=fast"), Random.Shared));
        Assert.Equal(EngineErrorKind.Invalid, bad.Kind);
        Assert.Contains("fast", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneVifsEffectsAreSplitOffByWholeNames()
    {
        IReadOnlyList<string> Tap(string t) => new CreateTap(t).Undo!;
        IReadOnlyList<string> Table(string t) => ["nft", VifTransmitScript.Remove(t)];
        var all = new HostNetworkEffects(["vif3.1", "vif3.10"], [Tap("vif3.1"), Table("vif3.1"), Tap("vif3.10"), Table("vif3.10")]);
        var (owned, others) = VifEffectsSplit.Split(all, "vif3.1");
        Assert.Equal(["vif3.1"], owned.Taps);
        Assert.Equal([Tap("vif3.1"), Table("vif3.1")], owned.Undo);
        Assert.Equal(["vif3.10"], others.Taps);
        Assert.Equal([Tap("vif3.10"), Table("vif3.10")], others.Undo);
        var joined = VifEffectsSplit.Join(others, owned);
        Assert.Equal(["vif3.10", "vif3.1"], joined.Taps);
        Assert.Equal(4, joined.Undo.Count);
    }
}
