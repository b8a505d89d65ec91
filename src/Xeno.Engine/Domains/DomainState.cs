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
