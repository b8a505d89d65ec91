using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Network;

namespace Xeno.Engine.Tests.Network;

/// <summary>
/// The executor on this host's real network stack (root; taps and bridges only, names unique to
/// the run): a bridged vif's tap is made as vif-bridge makes it, and undone without a trace.
/// </summary>
public sealed class VifNetworkHostTests : IAsyncLifetime
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private string Bridge => "xnbr" + _tag;
    private string Tap => "xnt" + _tag;

    public async ValueTask InitializeAsync() =>
        await HostCommandRunner.Instance.CheckAsync(["ip", "link", "add", "name", Bridge, "mtu", "1400", "type", "bridge"]);

    public async ValueTask DisposeAsync()
    {
        if (HostFactsReader.Exists(Tap))
            await HostCommandRunner.Instance.CheckAsync(["ip", "tuntap", "del", "dev", Tap, "mode", "tap"]);
        await HostCommandRunner.Instance.CheckAsync(["ip", "link", "del", "dev", Bridge]);
    }

    private Domain Domain(string vif)
    {
        var spec = Unit.Specs.From($"name=\"n\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\nvif=['{vif}']\n");
        return new Domain(9, spec, new EnginePaths("/p").FilesFor(9, "n"), DateTimeOffset.UnixEpoch);
    }

    private static string Sys(string dev, string file) => File.ReadAllText($"/sys/class/net/{dev}/{file}").Trim();

    [Fact]
    public async Task ABridgedTapIsMadeAsVifBridgeMakesItAndUndoneWithoutATrace()
    {
        var log = new EngineLog(null, TimeProvider.System);
        var network = new VifNetwork(log, HostCommandRunner.Instance);
        var d = Domain($"bridge={Bridge},vifname={Tap},mac=00:16:3e:00:00:09");

        var effects = await network.SetUpAsync(d);

        Assert.Equal([Tap], effects.Taps);
        Assert.Equal("fe:ff:ff:ff:ff:ff", Sys(Tap, "address"));
        Assert.Equal("1400", Sys(Tap, "mtu")); // the bridge's, as vif-bridge when mtu= is not given
        Assert.True(Directory.Exists($"/sys/class/net/{Bridge}/brif/{Tap}"));
        Assert.Equal(1, Convert.ToInt32(Sys(Tap, "flags"), 16) & 1); // IFF_UP (no carrier until QEMU opens it)

        await network.TearDownAsync(d, effects);
        Assert.False(HostFactsReader.Exists(Tap));
    }

    [Fact]
    public async Task ATakenNameFailsBeforeAnythingIsMade()
    {
        var log = new EngineLog(null, TimeProvider.System);
        var network = new VifNetwork(log, HostCommandRunner.Instance);
        var e = await Assert.ThrowsAsync<EngineException>(() => network.SetUpAsync(Domain($"bridge={Bridge},vifname={Bridge}")));
        Assert.Equal(EngineErrorKind.Invalid, e.Kind);
        Assert.Contains($"Cannot create interface {Bridge}", e.Message, StringComparison.Ordinal);
        Assert.True(HostFactsReader.Exists(Bridge));
    }

    [Fact]
    public async Task ASecondVifThatFailsTakesTheFirstOneDownWithIt()
    {
        var log = new EngineLog(null, TimeProvider.System);
        var network = new VifNetwork(log, HostCommandRunner.Instance);
        var spec = Unit.Specs.From($"name=\"n\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\nvif=['bridge={Bridge},vifname={Tap}', 'bridge=xnno{_tag},vifname=xnu{_tag}']\n");
        var d = new Domain(9, spec, new EnginePaths("/p").FilesFor(9, "n"), DateTimeOffset.UnixEpoch);
        var e = await Assert.ThrowsAsync<EngineException>(() => network.SetUpAsync(d));
        Assert.Contains($"Could not find bridge device xnno{_tag}", e.Message, StringComparison.Ordinal);
        Assert.False(HostFactsReader.Exists(Tap));
    }
}
