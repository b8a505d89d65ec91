using Xeno.Engine.Network.Scripts;
using Xeno.Engine.Store;
using Xeno.Network.Scripts;
using Xeno.Store.Server;

namespace Xeno.Engine.Tests.Network.Scripts;

/// <summary>
/// Vif scripts run with Xen's contract against Xeno's own xenstored, on real host interfaces:
/// Debian's /etc/xen/scripts/vif-bridge brings a tap onto a bridge, and a script of the test's
/// own shows what it is given (arguments, environment, nodes through xenstore-read), where its
/// stderr goes, and what the deadline does.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VifScriptRunnerTests : IAsyncLifetime
{
    private const string XenVifBridge = "/etc/xen/scripts/vif-bridge";
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-vifscript-").FullName;
    private readonly string _suffix = HostLinks.Suffix();
    private readonly int _domid = 20000 + Random.Shared.Next(10000);
    private XenStoreServer _server = null!;
    private XenstoreWriter _store = null!;

    private string Socket => Path.Combine(_dir, "xs.sock");
    private string Log => Path.Combine(_dir, "log/xen-hotplug.log");
    private string Bridge => "xnb" + _suffix;
    private string Tap => $"vif{_domid}.0";
    private string Backend => $"/local/domain/0/backend/vif/{_domid}/0";

    public ValueTask InitializeAsync()
    {
        Assert.False(HostLinks.Exists(Bridge));
        Assert.False(HostLinks.Exists(Tap));
        _server = XenStoreServer.Start(new XenStoreServerOptions { SocketPath = Socket });
        _store = new XenstoreWriter(Socket);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        HostLinks.Delete(Tap);
        HostLinks.Delete(Bridge);
        _store.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        Assert.False(HostLinks.Exists(Bridge));
        Assert.False(HostLinks.Exists(Tap));
    }

    private VifScriptHost Host(TimeSpan? deadline = null) =>
        new(Socket, Log, deadline ?? VifScriptHost.XenDeadline, _store.ReadValue);

    private VifScriptCall Call(string script, VifScriptAction action) =>
        VifScriptPlan.For(new VifScriptRequest(script, _domid, 0, VifInterfaceType.Vif, null), action);

    /// <summary>The backend and frontend nodes the script reads, as libxl writes them before it runs the script.</summary>
    private void WriteNodes(string bridge)
    {
        _store.WriteValue(Backend + "/frontend", $"/local/domain/{_domid}/device/vif/0");
        _store.WriteValue(Backend + "/bridge", bridge);
        _store.WriteValue(Backend + "/handle", "0");
        _store.WriteValue(Backend + "/hotplug-status", "");
    }

    [Fact]
    public async Task XensVifBridgePutsTheTapOnTheBridgeAndTakesItOff()
    {
        Assert.True(File.Exists(XenVifBridge), $"{XenVifBridge} is missing: install the Debian package xen-utils-common");
        HostLinks.Ip("link", "add", Bridge, "type", "bridge");
        HostLinks.Ip("link", "set", Bridge, "mtu", "1400");
        HostLinks.Ip("tuntap", "add", "dev", Tap, "mode", "tap");
        WriteNodes(Bridge);

        await VifScriptRunner.RunAsync(Host(), Call(XenVifBridge, VifScriptAction.Connect), TestContext.Current.CancellationToken);

        Assert.Equal(Bridge, HostLinks.MasterOf(Tap));
        Assert.True(HostLinks.IsUp(Tap));
        Assert.Equal("fe:ff:ff:ff:ff:ff", HostLinks.Mac(Tap));
        // No mtu node: the bridge's MTU, also published to the frontend.
        Assert.Equal(1400, HostLinks.Mtu(Tap));
        Assert.Equal("1400", _store.ReadValue($"/local/domain/{_domid}/device/vif/0/mtu"));
        Assert.Equal("connected", _store.ReadValue(Backend + "/hotplug-status"));

        await VifScriptRunner.RunAsync(Host(), Call(XenVifBridge, VifScriptAction.Disconnect), TestContext.Current.CancellationToken);
        Assert.Null(HostLinks.MasterOf(Tap));
        Assert.False(HostLinks.IsUp(Tap));
    }

    [Fact]
    public async Task XensVifBridgeFailureIsItsOwnMessage()
    {
        HostLinks.Ip("tuntap", "add", "dev", Tap, "mode", "tap");
        WriteNodes(Bridge);

        var e = await Assert.ThrowsAsync<VifScriptException>(() =>
            VifScriptRunner.RunAsync(Host(), Call(XenVifBridge, VifScriptAction.Connect), TestContext.Current.CancellationToken));

        Assert.Matches($@"^{XenVifBridge} online \[\d+\] exited with error status 1$", e.Messages[0]);
        Assert.Equal($"script: Could not find bridge device {Bridge}", e.Messages[1]);
        Assert.Equal("error", _store.ReadValue(Backend + "/hotplug-status"));
        Assert.Null(HostLinks.MasterOf(Tap));
    }

    /// <summary>An admin's own script: what it gets, and its stderr in xen-hotplug.log.</summary>
    [Fact]
    public async Task OwnScriptGetsXensContractAndItsStderrIsLogged()
    {
        var seen = Path.Combine(_dir, "seen");
        var script = WriteScript("my-vif", $$"""
            #!/bin/sh
            {
              echo "args=$*"
              echo "script=$script XENBUS_TYPE=$XENBUS_TYPE XENBUS_PATH=$XENBUS_PATH XENBUS_BASE_PATH=$XENBUS_BASE_PATH netdev=[$netdev] vif=$vif"
              echo "bridge=$(xenstore-read "$XENBUS_PATH/bridge")"
            } > {{seen}}
            echo "my-vif says hello on stderr" >&2
            xenstore-write "$XENBUS_PATH/hotplug-status" connected
            """);
        WriteNodes("br-of-" + _suffix);

        await VifScriptRunner.RunAsync(Host(), Call(script, VifScriptAction.Connect), TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                "args=online type_if=vif",
                $"script={script} XENBUS_TYPE=vif XENBUS_PATH=backend/vif/{_domid}/0 XENBUS_BASE_PATH=backend netdev=[] vif={Tap}",
                $"bridge=br-of-{_suffix}",
            ],
            File.ReadAllLines(seen));
        Assert.Contains("my-vif says hello on stderr\n", File.ReadAllText(Log), StringComparison.Ordinal);
        Assert.Equal("connected", _store.ReadValue(Backend + "/hotplug-status"));
    }

    [Fact]
    public async Task ScriptThatWritesErrorStatusFailsEvenWithExitZero()
    {
        var script = WriteScript("err-vif", """
            #!/bin/sh
            xenstore-write "$XENBUS_PATH/hotplug-error" "no luck today" "$XENBUS_PATH/hotplug-status" error
            exit 0
            """);
        WriteNodes(Bridge);
        var e = await Assert.ThrowsAsync<VifScriptException>(() =>
            VifScriptRunner.RunAsync(Host(), Call(script, VifScriptAction.Connect), TestContext.Current.CancellationToken));
        Assert.Equal(["script: no luck today"], e.Messages);
    }

    [Fact]
    public async Task DeadlineKillsTheScriptAndItsChildren()
    {
        var marker = "xeno-vifscript-sleeper-" + _suffix;
        var pidFile = Path.Combine(_dir, "child.pid");
        var script = WriteScript("slow-vif", $$"""
            #!/bin/bash
            exec -a {{marker}} sleep 300 &
            echo $! > {{pidFile}}
            wait
            """);
        WriteNodes(Bridge);
        var e = await Assert.ThrowsAsync<VifScriptException>(() =>
            VifScriptRunner.RunAsync(Host(TimeSpan.FromSeconds(2)), Call(script, VifScriptAction.Connect), TestContext.Current.CancellationToken));
        Assert.Matches(@"^.*/slow-vif online \[\d+\] did not finish within 2 s and was killed$", e.Messages.Single());
        int child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists("/proc/" + child) && File.ReadAllText($"/proc/{child}/cmdline").Contains(marker, StringComparison.Ordinal),
            "the script's child outlived the deadline");
    }

    [Fact]
    public async Task MissingScriptIsNamed()
    {
        var e = await Assert.ThrowsAsync<VifScriptException>(() =>
            VifScriptRunner.RunAsync(Host(), Call(Path.Combine(_dir, "nope"), VifScriptAction.Connect), TestContext.Current.CancellationToken));
        Assert.StartsWith($"{Path.Combine(_dir, "nope")}: cannot run the hotplug script: ", e.Messages.Single(), StringComparison.Ordinal);
    }

    private string WriteScript(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
