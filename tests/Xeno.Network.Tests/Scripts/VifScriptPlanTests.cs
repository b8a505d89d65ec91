using Xeno.Network.Planning;
using Xeno.Network.Scripts;

namespace Xeno.Network.Tests.Scripts;

public sealed class VifScriptPlanTests
{
    [Fact]
    public void PvVifOnlineIsCalledAsLibxlCallsIt()
    {
        var call = VifScriptPlan.For(new VifScriptRequest("/etc/xen/scripts/vif-bridge", 7, 1, VifInterfaceType.Vif, null), VifScriptAction.Connect);
        Assert.Equal(["/etc/xen/scripts/vif-bridge", "online", "type_if=vif"], call.Arguments);
        Assert.Equal(new Dictionary<string, string>
        {
            ["script"] = "/etc/xen/scripts/vif-bridge",
            ["XENBUS_TYPE"] = "vif",
            ["XENBUS_PATH"] = "backend/vif/7/1",
            ["XENBUS_BASE_PATH"] = "backend",
            ["netdev"] = "",
            ["vif"] = "vif7.1",
        }, call.Environment);
        Assert.Equal("/local/domain/0/backend/vif/7/1", call.AbsoluteXenbusPath);
    }

    [Fact]
    public void PvVifOfflineKeepsTheEnvironmentAndGatewayDevBecomesNetdev()
    {
        var call = VifScriptPlan.For(new VifScriptRequest("/x/my-route", 3, 0, VifInterfaceType.Vif, "eth1"), VifScriptAction.Disconnect);
        Assert.Equal(["/x/my-route", "offline", "type_if=vif"], call.Arguments);
        Assert.Equal("eth1", call.Environment["netdev"]);
        Assert.False(call.Environment.ContainsKey("INTERFACE"));
    }

    [Theory]
    [InlineData(VifScriptAction.Connect, "add")]
    [InlineData(VifScriptAction.Disconnect, "remove")]
    public void EmulatedNicIsTheTapCallWithInterface(VifScriptAction action, string verb)
    {
        var call = VifScriptPlan.For(new VifScriptRequest("/s", 12, 2, VifInterfaceType.Tap, null), action);
        Assert.Equal(["/s", verb, "type_if=tap"], call.Arguments);
        Assert.Equal("vif12.2-emu", call.Environment["INTERFACE"]);
        Assert.Equal("backend/vif/12/2", call.Environment["XENBUS_PATH"]);
    }

    [Fact]
    public void NegativeIdsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VifScriptPlan.For(new VifScriptRequest("/s", -1, 0, VifInterfaceType.Vif, null), VifScriptAction.Connect));
        Assert.Throws<ArgumentOutOfRangeException>(() => VifScriptPlan.For(new VifScriptRequest("/s", 1, -2, VifInterfaceType.Vif, null), VifScriptAction.Connect));
    }

    private static VifPlan Plan(string model, VifMode mode = VifMode.CustomScript) => new()
    {
        Devid = 1, TapName = "web0", Mac = "00:16:3e:00:00:01", QemuModel = model, Type = "ioemu",
        Mode = mode, ScriptPath = "/opt/my-vif", Bridge = "xenbr0", GatewayDev = "eth9", VifName = "web0",
    };

    [Fact]
    public void PvNicGetsOneVifCallUnderXensDefaultName()
    {
        var calls = VifScriptPlan.CallsFor(Plan(NicModels.Virtio), 5, VifScriptAction.Connect);
        var call = Assert.Single(calls);
        Assert.Equal(["/opt/my-vif", "online", "type_if=vif"], call.Arguments);
        Assert.Equal("vif5.1", call.Environment["vif"]);
        Assert.Equal("eth9", call.Environment["netdev"]);
    }

    [Fact]
    public void EmulatedNicGetsTheTapCallAfterConnectAndBeforeDisconnect()
    {
        var up = VifScriptPlan.CallsFor(Plan("e1000"), 5, VifScriptAction.Connect);
        Assert.Equal([["/opt/my-vif", "online", "type_if=vif"], ["/opt/my-vif", "add", "type_if=tap"]], up.Select(c => c.Arguments));
        var down = VifScriptPlan.CallsFor(Plan("e1000"), 5, VifScriptAction.Disconnect);
        Assert.Equal([["/opt/my-vif", "remove", "type_if=tap"], ["/opt/my-vif", "offline", "type_if=vif"]], down.Select(c => c.Arguments));
    }

    [Fact]
    public void BuiltInModesHaveNoScriptCall() =>
        Assert.Throws<ArgumentException>(() => VifScriptPlan.CallsFor(Plan(NicModels.Virtio, VifMode.Bridge), 5, VifScriptAction.Connect));
}

public sealed class VifScriptOutcomeTests
{
    private static readonly VifScriptCall Call =
        VifScriptPlan.For(new VifScriptRequest("/etc/xen/scripts/vif-bridge", 4, 0, VifInterfaceType.Vif, null), VifScriptAction.Connect);

    [Fact]
    public void SuccessIsExitZeroWithoutErrorStatus()
    {
        Assert.Null(VifScriptOutcome.Failure(Call, new VifScriptRun(0, 10, "connected", null), TimeSpan.FromSeconds(40)));
        Assert.Null(VifScriptOutcome.Failure(Call, new VifScriptRun(0, 10, null, null), TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public void FatalInTheScriptReportsItsHotplugError() =>
        Assert.Equal(
            ["/etc/xen/scripts/vif-bridge online [99] exited with error status 1", "script: Could not find bridge device xenbr0"],
            VifScriptOutcome.Failure(Call, new VifScriptRun(1, 99, "error", "Could not find bridge device xenbr0"), TimeSpan.FromSeconds(40)));

    [Fact]
    public void ErrorStatusWithExitZeroStillFails() =>
        Assert.Equal(["script: bad"], VifScriptOutcome.Failure(Call, new VifScriptRun(0, 5, "error", "bad"), TimeSpan.FromSeconds(40)));

    [Fact]
    public void ErrorStatusWithoutMessageSaysSo() =>
        Assert.Equal(["script: hotplug-status is error"], VifScriptOutcome.Failure(Call, new VifScriptRun(0, 5, "error", ""), TimeSpan.FromSeconds(40)));

    [Fact]
    public void DeadlineIsNamed() =>
        Assert.Equal(["/etc/xen/scripts/vif-bridge online [8] did not finish within 2.5 s and was killed"],
            VifScriptOutcome.Failure(Call, new VifScriptRun(null, 8, null, null), TimeSpan.FromSeconds(2.5)));
}
