namespace Xeno.Engine.Domains.Supervision;

/// <summary>What can be asked of one domain; each is answered by <see cref="PhaseRules"/> first.</summary>
public enum DomainOperation
{
    Destroy,
    Pause,
    Unpause,
    Rename,
    /// <summary>xl shutdown / reboot: a request to the guest.</summary>
    Shutdown,
    /// <summary>xl mem-set.</summary>
    SetMemoryTarget,
    /// <summary>xl mem-max.</summary>
    SetMemoryMax,
    /// <summary>xl vcpu-pin.</summary>
    PinVcpu,
    /// <summary>xl block-attach / block-detach / cd-insert / cd-eject (phase DeviceChange while it runs).</summary>
    ChangeDevice,
    /// <summary>xl sched-credit / sched-credit2 -d -w / -c.</summary>
    SetSched,
    /// <summary>The engine itself applying on_poweroff / on_reboot / on_crash after a guest shut down.</summary>
    ShutdownAction,
    /// <summary>xl vcpu-set.</summary>
    SetVcpus,
    /// <summary>xl trigger and xl sysrq: platform events and keys sent to the guest.</summary>
    Trigger,
    /// <summary>xl dump-core.</summary>
    DumpCore,
    /// <summary>xl save (phase Saving while it runs).</summary>
    Save,
    /// <summary>xl migrate's describe and send (phase MigratingOut while QEMU sends).</summary>
    MigrateOut,
}
