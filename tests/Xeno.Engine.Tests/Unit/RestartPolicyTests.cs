using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Policy;

namespace Xeno.Engine.Tests.Unit;

/// <summary>The on_* policy as a pure function: (reason, spec, name, time) → plan, no QEMU.</summary>
public sealed class RestartPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 23, 7, 42, TimeSpan.Zero);

    private static DomainSpec Spec(string actions) =>
        Specs.From("name=\"web\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\n" + actions);

    [Theory]
    [InlineData(ShutdownReason.Poweroff, "on_poweroff=\"destroy\"", "destroy", false, KeptDomain.None, false)]
    [InlineData(ShutdownReason.Reboot, "on_reboot=\"restart\"", "restart", false, KeptDomain.None, true)]
    [InlineData(ShutdownReason.Crash, "on_crash=\"preserve\"", "preserve", false, KeptDomain.Preserved, false)]
    [InlineData(ShutdownReason.Crash, "on_crash=\"coredump-destroy\"", "coredump-destroy", true, KeptDomain.None, false)]
    [InlineData(ShutdownReason.Crash, "on_crash=\"coredump-restart\"", "coredump-restart", true, KeptDomain.None, true)]
    [InlineData(ShutdownReason.Watchdog, "on_watchdog=\"restart\"", "restart", false, KeptDomain.None, true)]
    [InlineData(ShutdownReason.Poweroff, "on_poweroff=\"rename-restart\"", "rename-restart", false, KeptDomain.Renamed, true)]
    [InlineData(ShutdownReason.Suspend, "on_poweroff=\"restart\"", "destroy", false, KeptDomain.None, false)]
    public void EachActionBecomesItsPlan(ShutdownReason reason, string cfg, string action, bool dump, KeptDomain kept, bool restart)
    {
        var plan = RestartPolicy.Plan(reason, Spec(cfg), "web", Now);
        Assert.Equal(action, plan.ActionName);
        Assert.Equal(dump, plan.CoreDumpFirst);
        Assert.Equal(kept, plan.Kept);
        Assert.Equal(restart, plan.Restart);
        Assert.Equal("web", plan.RestartName);
        Assert.Equal(reason, plan.Reason);
    }

    [Fact]
    public void TheReasonPicksItsOwnOnSetting()
    {
        var spec = Spec("on_poweroff=\"destroy\"\non_reboot=\"preserve\"\non_crash=\"restart\"\n");
        Assert.Equal(ShutdownAction.Destroy, RestartPolicy.ActionFor(ShutdownReason.Poweroff, spec));
        Assert.Equal(ShutdownAction.Preserve, RestartPolicy.ActionFor(ShutdownReason.Reboot, spec));
        Assert.Equal(ShutdownAction.Restart, RestartPolicy.ActionFor(ShutdownReason.Crash, spec));
    }

    [Fact]
    public void RenameRestartKeepsTheOldDomainUnderXlsSuffixInUtc()
    {
        var plan = RestartPolicy.Plan(ShutdownReason.Reboot, Spec("on_reboot=\"rename-restart\""), "web",
            new DateTimeOffset(2026, 12, 6, 1, 7, 0, TimeSpan.FromHours(2)));
        Assert.Equal("web-20261205T2307Z", plan.KeptName);
        Assert.Equal("web", plan.RestartName);
    }

    [Fact]
    public void SoftResetRestartsAndPreserveKeepsTheName()
    {
        var soft = RestartPolicy.Plan(ShutdownReason.SoftReset, Spec("on_soft_reset=\"soft-reset\""), "web", Now);
        Assert.True(soft.Restart);
        Assert.Equal(KeptDomain.None, soft.Kept);
        var kept = RestartPolicy.Plan(ShutdownReason.Crash, Spec("on_crash=\"preserve\""), "web", Now);
        Assert.Equal("web", kept.KeptName);
    }

    [Theory]
    [InlineData(ShutdownReason.Poweroff, "poweroff")]
    [InlineData(ShutdownReason.Reboot, "reboot")]
    [InlineData(ShutdownReason.Suspend, "suspend")]
    [InlineData(ShutdownReason.Crash, "crash")]
    [InlineData(ShutdownReason.Watchdog, "watchdog")]
    [InlineData(ShutdownReason.SoftReset, "soft_reset")]
    public void ReasonsHaveXensNames(ShutdownReason reason, string name) => Assert.Equal(name, reason.Name());
}
