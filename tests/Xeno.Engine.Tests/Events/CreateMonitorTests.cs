using Xeno.Api.Contracts;
using Xeno.Cli.Commands;
using Xeno.Cli.Commands.Domain;
using Xeno.Cli.Hosting;
using Xeno.Config.Host;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Events;

/// <summary>
/// xl create -F's follower against a real xenod without a guest: events go in through the
/// engine's sink and xl's monitor lines come out, also across a xenod restart in the middle.
/// </summary>
public sealed class CreateMonitorTests
{
    [Fact]
    public async Task TheFollowerPrintsXlsLinesAndResumesAcrossAXenodRestart()
    {
        await using var x = await Xenod.StartAsync();
        var err = new StringWriter();
        var ctx = new XlContext { Out = TextWriter.Null, Err = TextWriter.Synchronized(err), Host = new XenoHost(x.Prefix), Global = new GlobalConfig() };
        using var monitor = CreateMonitor.Open(ctx);
        var follow = Task.Run(() => monitor.Follow("ghost", 77), TestContext.Current.CancellationToken);

        x.Host!.Engine.Events.Publish(new DomainEvent { Kind = DomainEventKind.Phase, Domid = 5, Name = "other", Phase = "running" });
        x.Host.Engine.Events.Publish(new DomainEvent { Kind = DomainEventKind.Shutdown, Domid = 77, Name = "ghost", Reason = "reboot", ReasonCode = 1, Action = "restart" });
        await Xenod.WaitForAsync(() => err.ToString().Contains("needs to be cleaned up", StringComparison.Ordinal), "the shutdown lines");

        // xenod restarts between the destruction and the restart: xl reconnects from its last id.
        await x.StopHostAsync();
        await x.StartHostAsync();
        x.Host!.Engine.Events.Publish(new DomainEvent { Kind = DomainEventKind.Destroyed, Domid = 77, Name = "ghost" });
        x.Host.Engine.Events.Publish(new DomainEvent { Kind = DomainEventKind.Restarted, Domid = 77, Name = "ghost", NewDomid = 78 });
        x.Host.Engine.Events.Publish(new DomainEvent { Kind = DomainEventKind.Destroyed, Domid = 78, Name = "ghost" });

        Assert.Equal(0, await follow.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        int pid = Environment.ProcessId;
        Assert.Equal(
            $"Waiting for domain ghost (domid 77) to die [pid {pid}]\n" +
            "Domain 77 has shut down, reason code 1 0x1\n" +
            "Action for shutdown reason code 1 is restart\n" +
            "Domain 77 needs to be cleaned up: destroying the domain\n" +
            "Done. Rebooting now\n" +
            $"Waiting for domain ghost (domid 78) to die [pid {pid}]\n" +
            "Domain 78 has been destroyed.\n", err.ToString());
    }
}
