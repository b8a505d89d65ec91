using System.Globalization;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// What Xen's xl prints while it waits for its domain (`xl create -F`, and the monitor Xen's xl
/// leaves in the background), from xenod's events: a pure state machine, one event in, the lines
/// xl would write to stderr out (without their newlines), in Xen 4.17's words and order
/// (tools/xl/xl_vmcontrol.c). It follows a restart to the new domid, as xl does, and is
/// <see cref="Done"/> when the domain is gone or left shut down.
/// </summary>
public sealed class DomainMonitor
{
    private enum State
    {
        Running,
        /// <summary>Shut down with a destroy action: waits for the domain to be gone.</summary>
        Destroying,
        /// <summary>Shut down with a restart action: waits for the new domain.</summary>
        Restarting,
    }

    private readonly long _pid;
    private readonly string _dumpDir;
    private State _state;
    private bool _shutdownSeen;
    private bool _rebootingSaid;
    private ShutdownAction _action;

    /// <param name="pid">xl's process id (Xen's xl prints its own).</param>
    /// <param name="dumpDir">Where xenod writes core dumps (coredump-* actions name the file).</param>
    public DomainMonitor(string name, int domid, long pid, string dumpDir)
    {
        Name = name;
        Domid = domid;
        _pid = pid;
        _dumpDir = dumpDir;
    }

    public string Name { get; }

    /// <summary>The domid followed now (a restart moves it on).</summary>
    public int Domid { get; private set; }

    public bool Done { get; private set; }

    /// <summary>Shut down with a restart action and waiting for the new domain to appear.</summary>
    public bool AwaitingSuccessor => !Done && _state == State.Restarting;

    /// <summary>The first line, once the domain is built and running.</summary>
    public IReadOnlyList<string> Start() => [Waiting()];

    public IReadOnlyList<string> Handle(DomainEvent e)
    {
        if (Done || e.Kind is DomainEventKind.EventsLost or DomainEventKind.StreamDropped)
            return [];
        if (Successor(e) is { } next)
            return Restarted(next);
        if (e.Domid != Domid)
            return [];
        return e.Kind switch
        {
            DomainEventKind.Shutdown or DomainEventKind.Crashed when !_shutdownSeen && _state == State.Running => ShutDown(e),
            DomainEventKind.Renamed when _state == State.Restarting && _action == ShutdownAction.RenameRestart => Preserved(e),
            DomainEventKind.Destroyed => Destroyed(),
            _ => [],
        };
    }

    /// <summary>The new domid when <paramref name="e"/> says our domain came back after its restart action.</summary>
    private int? Successor(DomainEvent e)
    {
        if (e.Kind == DomainEventKind.Restarted && e.NewDomid is { } n && n != Domid
            && (e.Domid == Domid || (_state == State.Restarting && e.Name == Name)))
            return n;
        if (e.Kind == DomainEventKind.Created && _state == State.Restarting && e.Name == Name && e.Domid > Domid)
            return e.Domid;
        return null;
    }

    private List<string> ShutDown(DomainEvent e)
    {
        _shutdownSeen = true;
        int code = e.ReasonCode ?? ReasonCode(e.Reason ?? (e.Kind == DomainEventKind.Crashed ? "crash" : null));
        var lines = new List<string> { $"Domain {Domid} has shut down, reason code {code} 0x{code:x}" };
        if (code == 2)
        {
            lines.Add("Domain has suspended.");
            return Exit(lines);
        }
        var action = e.Action is { } name && ShutdownActionNames.Parse(name) is { } parsed ? parsed : ShutdownAction.Destroy;
        if (code is < 0 or > 5)
            lines.Add($"Unknown shutdown reason code {code}. Destroying domain.");
        lines.Add($"Action for shutdown reason code {code} is {action.ToXenName()}");
        if (action is ShutdownAction.CoredumpDestroy or ShutdownAction.CoredumpRestart)
        {
            lines.Add($"dumping core to {Path.Combine(_dumpDir, Name)}");
            action = action == ShutdownAction.CoredumpDestroy ? ShutdownAction.Destroy : ShutdownAction.Restart;
        }
        _action = action;
        switch (action)
        {
            case ShutdownAction.Preserve:
                return Exit(lines);
            case ShutdownAction.Destroy:
                lines.Add($"Domain {Domid} needs to be cleaned up: destroying the domain");
                _state = State.Destroying;
                break;
            case ShutdownAction.Restart:
                lines.Add($"Domain {Domid} needs to be cleaned up: destroying the domain");
                _state = State.Restarting;
                break;
            default:
                // rename-restart keeps the old domain under a new name; soft-reset restarts in place.
                _state = State.Restarting;
                break;
        }
        return lines;
    }

    private List<string> Preserved(DomainEvent e)
    {
        string old = e.OldName ?? Name;
        string suffix = e.Name.StartsWith(old, StringComparison.Ordinal) ? e.Name[old.Length..] : "-" + e.Name;
        _rebootingSaid = true;
        return [$"Preserving domain {Domid} {old} with suffix{suffix}", "Done. Rebooting now"];
    }

    private List<string> Destroyed()
    {
        switch (_state)
        {
            case State.Destroying:
                return Exit([]);
            case State.Restarting:
                if (_rebootingSaid)
                    return [];
                _rebootingSaid = true;
                return ["Done. Rebooting now"];
            default:
                Done = true;
                return [$"Domain {Domid} has been destroyed."];
        }
    }

    private List<string> Restarted(int next)
    {
        var lines = new List<string>();
        if (!_rebootingSaid)
            lines.Add("Done. Rebooting now");
        Domid = next;
        _state = State.Running;
        _shutdownSeen = false;
        _rebootingSaid = false;
        lines.Add(Waiting());
        return lines;
    }

    private List<string> Exit(List<string> lines)
    {
        lines.Add("Done. Exiting now");
        Done = true;
        return lines;
    }

    private string Waiting() => $"Waiting for domain {Name} (domid {Domid.ToString(CultureInfo.InvariantCulture)}) to die [pid {_pid.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>Xen's SHUTDOWN_* codes by the names on the wire (xl prints the code).</summary>
    internal static int ReasonCode(string? reason) => reason switch
    {
        "poweroff" => 0,
        "reboot" => 1,
        "suspend" => 2,
        "crash" => 3,
        "watchdog" => 4,
        "soft_reset" or "soft-reset" => 5,
        _ => 0,
    };
}
