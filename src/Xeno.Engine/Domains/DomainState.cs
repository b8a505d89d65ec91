namespace Xeno.Engine.Domains;

/// <summary>Xen's shutdown reasons with libxl's codes (xl list -v prints the code).</summary>
public enum ShutdownReason
{
    Poweroff = 0,
    Reboot = 1,
    Suspend = 2,
    Crash = 3,
    Watchdog = 4,
    SoftReset = 5,
}

/// <summary>Where a domain is in its life.</summary>
public enum DomainPhase
{
    /// <summary>QEMU is being started.</summary>
    Creating,
    /// <summary>QEMU runs (the vCPUs may still be paused by the admin).</summary>
    Running,
    /// <summary>The guest shut down (poweroff, reboot, crash) and the domain is kept (preserve).</summary>
    Shutdown,
    /// <summary>Being destroyed.</summary>
    Dying,
    /// <summary>Its memory is being written to a file (save; the domain goes when it is done).</summary>
    Saving,
    /// <summary>Being sent to another host by live migration.</summary>
    MigratingOut,
    /// <summary>Being received from another host (migration or restore); not yet running.</summary>
    Incoming,
    /// <summary>Paused briefly while a device is added, changed or removed.</summary>
    DeviceChange,
    /// <summary>Shut down, its memory being dumped (on_* coredump-destroy / coredump-restart).</summary>
    CoreDumping,
}

public static class DomainPhaseNames
{
    /// <summary>The phase as events and the API name it (snake_case).</summary>
    public static string Name(this DomainPhase phase) => phase switch
    {
        DomainPhase.Creating => "creating",
        DomainPhase.Running => "running",
        DomainPhase.Shutdown => "shutdown",
        DomainPhase.Dying => "dying",
        DomainPhase.Saving => "saving",
        DomainPhase.MigratingOut => "migrating_out",
        DomainPhase.Incoming => "incoming",
        DomainPhase.DeviceChange => "device_change",
        DomainPhase.CoreDumping => "core_dumping",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };
}

public static class ShutdownReasonNames
{
    /// <summary>Xen's name of a shutdown reason (libxl_shutdown_reason).</summary>
    public static string Name(this ShutdownReason reason) => reason switch
    {
        ShutdownReason.Poweroff => "poweroff",
        ShutdownReason.Reboot => "reboot",
        ShutdownReason.Suspend => "suspend",
        ShutdownReason.Crash => "crash",
        ShutdownReason.Watchdog => "watchdog",
        ShutdownReason.SoftReset => "soft_reset",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

public static class ShutdownReasonLetters
{
    /// <summary>xl list's fifth state letter.</summary>
    public static char Letter(ShutdownReason reason) => reason switch
    {
        ShutdownReason.Poweroff => '-',
        ShutdownReason.Reboot => 'r',
        ShutdownReason.Suspend => 's',
        ShutdownReason.Crash => 'c',
        ShutdownReason.Watchdog => 'w',
        ShutdownReason.SoftReset => 'S',
        _ => '?',
    };
}
