using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Tests.Domain;

/// <summary>
/// xl's monitor lines from events, against Xen 4.17's texts and order (tools/xl/xl_vmcontrol.c:
/// create_domain's wait loop, handle_domain_death, preserve_domain; all written with LOG, to stderr).
/// </summary>
public sealed class DomainMonitorTests
{
    private static DomainMonitor Monitor(string name = "web", int domid = 1) => new(name, domid, 4242, "/var/lib/xeno/dump");

    private static DomainEvent Shutdown(int domid, string reason, int code, string action, string name = "web") =>
        new() { Kind = DomainEventKind.Shutdown, Domid = domid, Name = name, Reason = reason, ReasonCode = code, Action = action };

    private static DomainEvent Destroyed(int domid, string name = "web") => new() { Kind = DomainEventKind.Destroyed, Domid = domid, Name = name };

    private static List<string> Run(DomainMonitor m, params DomainEvent[] events)
    {
        var lines = new List<string>(m.Start());
        foreach (var e in events)
            lines.AddRange(m.Handle(e));
        return lines;
    }

    [Fact]
    public void PoweroffWithDestroyWaitsForTheDestructionThenExits()
    {
        var m = Monitor();
        var lines = Run(m, Shutdown(1, "poweroff", 0, "destroy"));
        Assert.False(m.Done);
        lines.AddRange(m.Handle(Destroyed(1)));
        Assert.Equal(
        [
            "Waiting for domain web (domid 1) to die [pid 4242]",
            "Domain 1 has shut down, reason code 0 0x0",
            "Action for shutdown reason code 0 is destroy",
            "Domain 1 needs to be cleaned up: destroying the domain",
            "Done. Exiting now",
        ], lines);
        Assert.True(m.Done);
    }

    [Fact]
    public void ARebootWithRestartFollowsTheNewDomid()
    {
        var m = Monitor();
        var lines = Run(m,
            Shutdown(1, "reboot", 1, "restart"),
            Destroyed(1),
            new DomainEvent { Kind = DomainEventKind.Created, Domid = 2, Name = "web", Phase = "creating" },
            new DomainEvent { Kind = DomainEventKind.Restarted, Domid = 1, Name = "web", NewDomid = 2 },
            Shutdown(2, "poweroff", 0, "destroy"),
            Destroyed(2));
        Assert.Equal(
        [
            "Waiting for domain web (domid 1) to die [pid 4242]",
            "Domain 1 has shut down, reason code 1 0x1",
            "Action for shutdown reason code 1 is restart",
            "Domain 1 needs to be cleaned up: destroying the domain",
            "Done. Rebooting now",
            "Waiting for domain web (domid 2) to die [pid 4242]",
            "Domain 2 has shut down, reason code 0 0x0",
            "Action for shutdown reason code 0 is destroy",
            "Domain 2 needs to be cleaned up: destroying the domain",
            "Done. Exiting now",
        ], lines);
        Assert.True(m.Done);
    }

    [Fact]
    public void ARestartKnownOnlyFromTheRestartedEventStillSaysRebootingFirst()
    {
        var m = Monitor();
        var lines = Run(m, Shutdown(1, "reboot", 1, "restart"),
            new DomainEvent { Kind = DomainEventKind.Restarted, Domid = 1, Name = "web", NewDomid = 7 });
        Assert.Equal(["Done. Rebooting now", "Waiting for domain web (domid 7) to die [pid 4242]"], lines[^2..]);
        Assert.Equal(7, m.Domid);
    }

    [Fact]
    public void PreserveExitsAtOnceAndLeavesTheDomain()
    {
        var m = Monitor(domid: 3);
        var lines = Run(m, Shutdown(3, "crash", 3, "preserve"));
        Assert.Equal(
        [
            "Waiting for domain web (domid 3) to die [pid 4242]",
            "Domain 3 has shut down, reason code 3 0x3",
            "Action for shutdown reason code 3 is preserve",
            "Done. Exiting now",
        ], lines);
        Assert.True(m.Done);
    }

    [Fact]
    public void RenameRestartPreservesWithTheTimeSuffixThenReboots()
    {
        var m = Monitor();
        var lines = Run(m, Shutdown(1, "reboot", 1, "rename-restart"),
            new DomainEvent { Kind = DomainEventKind.Renamed, Domid = 1, Name = "web-20261205T2306Z", OldName = "web" },
            new DomainEvent { Kind = DomainEventKind.Created, Domid = 2, Name = "web" });
        Assert.Equal(
        [
            "Waiting for domain web (domid 1) to die [pid 4242]",
            "Domain 1 has shut down, reason code 1 0x1",
            "Action for shutdown reason code 1 is rename-restart",
            "Preserving domain 1 web with suffix-20261205T2306Z",
            "Done. Rebooting now",
            "Waiting for domain web (domid 2) to die [pid 4242]",
        ], lines);
    }

    [Fact]
    public void CoredumpDestroyNamesTheCoreFileThenDestroys()
    {
        var m = Monitor();
        var lines = Run(m, Shutdown(1, "crash", 3, "coredump-destroy"), Destroyed(1));
        Assert.Equal(
        [
            "Waiting for domain web (domid 1) to die [pid 4242]",
            "Domain 1 has shut down, reason code 3 0x3",
            "Action for shutdown reason code 3 is coredump-destroy",
            "dumping core to /var/lib/xeno/dump/web",
            "Domain 1 needs to be cleaned up: destroying the domain",
            "Done. Exiting now",
        ], lines);
    }

    [Fact]
    public void SoftResetRebootsWithoutACleanupLine()
    {
        var lines = Run(Monitor(), Shutdown(1, "soft_reset", 5, "soft-reset"), Destroyed(1));
        Assert.Equal(["Action for shutdown reason code 5 is soft-reset", "Done. Rebooting now"], lines[^2..]);
    }

    [Fact]
    public void SuspendSaysSoAndExits()
    {
        var m = Monitor();
        var lines = Run(m, Shutdown(1, "suspend", 2, "destroy"));
        Assert.Equal(["Domain 1 has shut down, reason code 2 0x2", "Domain has suspended.", "Done. Exiting now"], lines[1..]);
        Assert.True(m.Done);
    }

    [Fact]
    public void ADomainDestroyedFromOutsideEndsWithXlsDestroyedLine()
    {
        var m = Monitor(domid: 9);
        var lines = Run(m, Destroyed(9));
        Assert.Equal("Domain 9 has been destroyed.", lines[^1]);
        Assert.True(m.Done);
    }

    [Fact]
    public void ACrashReportedTwicePrintsOnceAndTheReasonCodeComesFromTheName()
    {
        var m = Monitor();
        var lines = Run(m,
            new DomainEvent { Kind = DomainEventKind.Crashed, Domid = 1, Name = "web", Reason = "crash", Action = "destroy", Message = "QEMU exited" },
            new DomainEvent { Kind = DomainEventKind.Shutdown, Domid = 1, Name = "web", Reason = "crash", Action = "destroy" });
        Assert.Equal(
        [
            "Waiting for domain web (domid 1) to die [pid 4242]",
            "Domain 1 has shut down, reason code 3 0x3",
            "Action for shutdown reason code 3 is destroy",
            "Domain 1 needs to be cleaned up: destroying the domain",
        ], lines);
    }

    [Fact]
    public void OtherDomainsAndStreamMarkersPrintNothing()
    {
        var m = Monitor();
        var lines = Run(m,
            Shutdown(2, "poweroff", 0, "destroy", name: "db"),
            Destroyed(2, "db"),
            new DomainEvent { Kind = DomainEventKind.Created, Domid = 3, Name = "web" }, // same name, but ours is not restarting
            new DomainEvent { Kind = DomainEventKind.EventsLost, Domid = -1, Message = "events 1 to 9 are no longer in xenod's history" },
            new DomainEvent { Kind = DomainEventKind.Paused, Domid = 1, Name = "web" });
        Assert.Equal(["Waiting for domain web (domid 1) to die [pid 4242]"], lines);
        Assert.False(m.Done);
    }

    [Fact]
    public void ItAwaitsASuccessorOnlyBetweenARestartActionAndTheNewDomain()
    {
        var m = Monitor();
        Assert.False(m.AwaitingSuccessor);
        m.Handle(Shutdown(1, "reboot", 1, "restart"));
        Assert.True(m.AwaitingSuccessor);
        m.Handle(Destroyed(1));
        Assert.True(m.AwaitingSuccessor);
        m.Handle(new DomainEvent { Kind = DomainEventKind.Created, Domid = 2, Name = "web" });
        Assert.False(m.AwaitingSuccessor);
    }
}
