namespace Xeno.Engine.Domains.Supervision;

/// <summary>How a request meets a domain's phase.</summary>
public enum PhaseAnswerKind
{
    /// <summary>Run it now (after the domain's earlier operations).</summary>
    Allowed,
    /// <summary>The phase is short and ends by itself (being built, a device change): ask again when it changed.</summary>
    Wait,
    /// <summary>Refused at once with a message naming the phase: nothing waits on a long phase.</summary>
    Conflict,
}

/// <summary>
/// The (phase, operation) table: every request to a domain is answered from it before anything
/// waits, so a request never hangs behind a migration, a save or a core dump.
/// </summary>
public static class PhaseRules
{
    public static PhaseAnswerKind Answer(DomainPhase phase, DomainOperation op) => phase switch
    {
        DomainPhase.Running => PhaseAnswerKind.Allowed,
        // Requests to a domain being built wait until it runs (or its start failed: then "not found").
        DomainPhase.Creating => PhaseAnswerKind.Wait,
        DomainPhase.DeviceChange => op == DomainOperation.Destroy ? PhaseAnswerKind.Allowed : PhaseAnswerKind.Wait,
        // A preserved domain: it can be destroyed, renamed and retuned, not run or stopped.
        DomainPhase.Shutdown => op switch
        {
            DomainOperation.Destroy or DomainOperation.Rename or DomainOperation.SetMemoryTarget
                or DomainOperation.SetMemoryMax or DomainOperation.PinVcpu or DomainOperation.DumpCore
                or DomainOperation.SetSched => PhaseAnswerKind.Allowed,
            _ => PhaseAnswerKind.Conflict,
        },
        // Long phases: only destroy gets through (it cancels what runs).
        DomainPhase.CoreDumping or DomainPhase.Saving or DomainPhase.MigratingOut or DomainPhase.Incoming =>
            op == DomainOperation.Destroy ? PhaseAnswerKind.Allowed : PhaseAnswerKind.Conflict,
        // A second destroy waits for the first, then finds the domain gone (and succeeds).
        DomainPhase.Dying => op == DomainOperation.Destroy ? PhaseAnswerKind.Wait : PhaseAnswerKind.Conflict,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>The text of a Conflict answer (xl prints it). A preserved domain keeps Xen's "is not running".</summary>
    public static string ConflictMessage(DomainPhase phase, int domid, string name) => phase switch
    {
        DomainPhase.Shutdown or DomainPhase.Running => $"Domain {domid} is not running",
        DomainPhase.Dying => $"domain {name} is being destroyed",
        DomainPhase.CoreDumping => $"domain {name} is dumping its core",
        DomainPhase.Saving => $"domain {name} is being saved",
        DomainPhase.MigratingOut => $"domain {name} is being migrated",
        DomainPhase.Incoming => $"domain {name} is being received (migration or restore)",
        DomainPhase.Creating => $"domain {name} is being created",
        DomainPhase.DeviceChange => $"domain {name} is changing a device",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };
}

/// <summary>Which phase may follow which; anything else is a bug in the engine, not a user error.</summary>
public static class PhaseTransitions
{
    public static bool Allows(DomainPhase from, DomainPhase to) => (from, to) switch
    {
        (DomainPhase.Creating, DomainPhase.Running or DomainPhase.Dying) => true,
        (DomainPhase.Incoming, DomainPhase.Running or DomainPhase.Dying) => true,
        (DomainPhase.Running, DomainPhase.Shutdown or DomainPhase.Dying or DomainPhase.Saving
            or DomainPhase.MigratingOut or DomainPhase.DeviceChange) => true,
        (DomainPhase.Shutdown, DomainPhase.CoreDumping or DomainPhase.Dying) => true,
        (DomainPhase.CoreDumping, DomainPhase.Shutdown or DomainPhase.Dying) => true,
        // A save or migration that fails leaves the guest running; one that succeeds ends it.
        (DomainPhase.Saving or DomainPhase.MigratingOut or DomainPhase.DeviceChange, DomainPhase.Running or DomainPhase.Dying) => true,
        _ => false,
    };
}
