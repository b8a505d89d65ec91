using System.Globalization;
using Xeno.Config.Domain;

namespace Xeno.Engine.Domains.Policy;

/// <summary>What becomes of the shut-down domain itself.</summary>
public enum KeptDomain
{
    /// <summary>Destroyed: QEMU quits, the domid is gone.</summary>
    None,
    /// <summary>Kept, shut down, under its name (preserve).</summary>
    Preserved,
    /// <summary>Kept under <see cref="RestartPlan.KeptName"/> (rename-restart).</summary>
    Renamed,
}

/// <summary>The on_* decision for one shutdown, before anything is done.</summary>
public sealed record RestartPlan(
    ShutdownReason Reason,
    ShutdownAction Action,
    bool CoreDumpFirst,
    KeptDomain Kept,
    string? KeptName,
    bool Restart,
    string RestartName)
{
    /// <summary>The action as Xen's xl names it in its monitor lines and events.</summary>
    public string ActionName => Action.ToXenName();
}

/// <summary>Xen's on_poweroff / on_reboot / on_watchdog / on_crash / on_soft_reset rules, pure.</summary>
public static class RestartPolicy
{
    public static ShutdownAction ActionFor(ShutdownReason reason, DomainSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return reason switch
        {
            ShutdownReason.Poweroff => spec.OnPoweroff,
            ShutdownReason.Reboot => spec.OnReboot,
            ShutdownReason.Crash => spec.OnCrash,
            ShutdownReason.Watchdog => spec.OnWatchdog,
            ShutdownReason.SoftReset => spec.OnSoftReset,
            // Suspend (save) is no on_* matter: the domain goes once its state is written.
            _ => ShutdownAction.Destroy,
        };
    }

    /// <summary>
    /// The plan for a domain named <paramref name="name"/> that shut down for <paramref name="reason"/>
    /// at <paramref name="now"/>. rename-restart keeps the old domain as xl does,
    /// "&lt;name&gt;-YYYYMMDDTHHMMZ" (UTC), and restarts under the name; soft-reset restarts.
    /// </summary>
    public static RestartPlan Plan(ShutdownReason reason, DomainSpec spec, string name, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var action = ActionFor(reason, spec);
        bool dump = action is ShutdownAction.CoredumpDestroy or ShutdownAction.CoredumpRestart;
        return action switch
        {
            ShutdownAction.Preserve => new(reason, action, false, KeptDomain.Preserved, name, false, name),
            ShutdownAction.RenameRestart => new(reason, action, false, KeptDomain.Renamed, KeptNameOf(name, now), true, name),
            ShutdownAction.Restart or ShutdownAction.CoredumpRestart or ShutdownAction.SoftReset =>
                new(reason, action, dump, KeptDomain.None, null, true, name),
            _ => new(reason, action, dump, KeptDomain.None, null, false, name),
        };
    }

    /// <summary>xl's suffix for a domain kept by rename-restart.</summary>
    public static string KeptNameOf(string name, DateTimeOffset now) =>
        name + now.ToUniversalTime().ToString("'-'yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture);
}
