using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Network;
using Xeno.Engine.Network.Scripts;
using Xeno.Engine.Store;
using Xeno.Store.Server;

namespace Xeno.Engine.Tests.Network.Scripts;

/// <summary>
/// xenod's vif set-up with an admin's own script= (here a copy of Debian's real vif-bridge and
/// its helpers, so Xeno does not take it for its built-in bridge mode), on the real host: the
/// vif appears as vif&lt;domid&gt;.&lt;devid&gt;, the script renames it to vifname= and puts it on the
/// bridge through Xeno's xenstore; teardown runs offline and removes the tap.
/// </summary>
public sealed class CustomVifScriptsHostTests : IAsyncLifetime
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("xeno-customvif-").FullName;
    private readonly string _suffix = HostLinks.Suffix();
    private readonly int _domid = 30000 + Random.Shared.Next(10000);
    private EnginePaths _paths = null!;
    private XenStoreServer _server = null!;

    private string Bridge => "xcb" + _suffix;
    private string VifName => "xcv" + _suffix;
    private string Initial => $"vif{_domid}.0";
    private string ScriptDir => Path.Combine(_prefix, "scripts");

    public ValueTask InitializeAsync()
    {
        Assert.False(HostLinks.Exists(Bridge) || HostLinks.Exists(VifName) || HostLinks.Exists(Initial));
        _paths = new EnginePaths(_prefix);
        Directory.CreateDirectory(Path.GetDirectoryName(_paths.XenstoreSocket)!);
        _server = XenStoreServer.Start(new XenStoreServerOptions { SocketPath = _paths.XenstoreSocket });
        Directory.CreateDirectory(ScriptDir);
        foreach (var f in Directory.GetFiles("/etc/xen/scripts"))
            File.Copy(f, Path.Combine(ScriptDir, Path.GetFileName(f)));
        HostLinks.Ip("link", "add", Bridge, "type", "bridge");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        HostLinks.Delete(VifName);
        HostLinks.Delete(Initial);
        HostLinks.Delete(Bridge);
        await _server.DisposeAsync();
        Directory.Delete(_prefix, recursive: true);
        Assert.False(HostLinks.Exists(Bridge) || HostLinks.Exists(VifName) || HostLinks.Exists(Initial));
    }

    private (VifNetwork Network, Domain Domain) Make(string vif)
    {
        var spec = Unit.Specs.From($"name=\"cs\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\nvif=['{vif}']\n");
        var d = new Domain(_domid, spec, _paths.FilesFor(_domid, "cs"), DateTimeOffset.UnixEpoch);
        var log = new EngineLog(null, TimeProvider.System);
        return (new VifNetwork(log, HostCommandRunner.Instance, new CustomVifScripts(_paths, log, HostCommandRunner.Instance)), d);
    }

    private string? Read(string path)
    {
        using var store = new XenstoreWriter(_paths.XenstoreSocket);
        return store.ReadValue(path);
    }

    [Fact]
    public async Task XensVifBridgeAsOwnScriptRenamesAndBridgesThenOfflineAndTheTapGoes()
    {
        var (network, d) = Make($"bridge={Bridge},vifname={VifName},mac=00:16:3e:00:00:31,script={ScriptDir}/vif-bridge");

        var effects = await network.SetUpAsync(d);

        Assert.Equal([VifName], effects.Taps);
        Assert.False(HostLinks.Exists(Initial));
        Assert.Equal(Bridge, HostLinks.MasterOf(VifName));
        Assert.True(HostLinks.IsUp(VifName));
        Assert.Equal("connected", Read($"/local/domain/0/backend/vif/{_domid}/0/hotplug-status"));

        await network.TearDownAsync(d, effects);
        Assert.False(HostLinks.Exists(VifName));
        Assert.False(HostLinks.Exists(Initial));
    }

    [Fact]
    public async Task ScriptFailureLeavesNoTap()
    {
        var (network, d) = Make($"bridge=xno{_suffix},script={ScriptDir}/vif-bridge");
        var e = await Assert.ThrowsAsync<EngineException>(() => network.SetUpAsync(d));
        Assert.Equal(EngineErrorKind.Failed, e.Kind);
        Assert.Contains($"script: Could not find bridge device xno{_suffix}", e.Message, StringComparison.Ordinal);
        Assert.False(HostLinks.Exists(Initial));
    }
}
