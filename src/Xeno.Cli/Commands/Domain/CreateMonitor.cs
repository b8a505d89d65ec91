using Xeno.Api.Client;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// `xl create -F`: follows the new domain through xenod's event stream and prints Xen's monitor
/// lines (<see cref="DomainMonitor"/>) to stderr. The stream is opened before the create request,
/// so no event of the new domain can be missed; if xenod restarts meanwhile, it reconnects from
/// the last event id and goes on.
/// </summary>
internal sealed class CreateMonitor : IDisposable
{
    /// <summary>How long a restarting xenod may take to answer again before xl gives up.</summary>
    private static readonly TimeSpan ReconnectFor = TimeSpan.FromSeconds(60);

    /// <summary>How long a restart may stay silent before xl asks xenod whether it failed.</summary>
    private static readonly TimeSpan SuccessorCheck = TimeSpan.FromSeconds(10);

    private readonly XlContext _ctx;
    private EventStream _stream;

    private CreateMonitor(XlContext ctx, EventStream stream)
    {
        _ctx = ctx;
        _stream = stream;
    }

    /// <summary>Subscribes to every event from now on; throws <see cref="EventStreamException"/> if xenod is unreachable.</summary>
    public static CreateMonitor Open(XlContext ctx) =>
        new(ctx, EventStream.OpenAsync(ctx.Host.DaemonSocket).GetAwaiter().GetResult());

    /// <summary>Prints the lines until the domain is gone or left shut down; xl's exit status.</summary>
    public int Follow(string name, int domid)
    {
        var monitor = new DomainMonitor(name, domid, Environment.ProcessId, _ctx.Host.Layout.DumpDir);
        Print(monitor.Start());
        Task<DomainEvent?>? pending = null;
        while (!monitor.Done)
        {
            pending ??= _stream.ReadAsync().AsTask();
            if (monitor.AwaitingSuccessor && Task.WhenAny(pending, Task.Delay(SuccessorCheck)).GetAwaiter().GetResult() != pending)
            {
                // A restart that failed publishes no new domain: the name is gone, so is the wait
                // (xenod's log says why).
                if (!Alive(monitor))
                    return 0;
                continue;
            }
            DomainEvent? e;
            try
            {
                e = pending.GetAwaiter().GetResult();
            }
            catch (EventStreamException ex)
            {
                _ctx.Err.Write(ex.Message + "\n");
                return 1;
            }
            pending = null;
            if (e is null)
            {
                if (!Reconnect(monitor))
                    return 1;
                continue;
            }
            Print(monitor.Handle(e));
        }
        return 0;
    }

    /// <summary>Whether xenod still has a domain of that name, the old one or a newer one.</summary>
    private bool Alive(DomainMonitor monitor)
    {
        try
        {
            using var client = DomainArgs.Client(_ctx);
            return client.GetDomainAsync(monitor.Name).Sync().Domid >= monitor.Domid;
        }
        catch (XenodException e) when (e.Kind == ApiErrorKind.NotFound)
        {
            return false;
        }
        catch (XenodException)
        {
            return true; // xenod unreachable for now: the stream's reconnection deals with that
        }
    }

    /// <summary>The stream ended (xenod restarted, or it dropped this reader): resume after the last id.</summary>
    private bool Reconnect(DomainMonitor monitor)
    {
        long after = _stream.LastId;
        var deadline = DateTime.UtcNow + ReconnectFor;
        while (true)
        {
            try
            {
                var next = EventStream.OpenAsync(_ctx.Host.DaemonSocket, after).GetAwaiter().GetResult();
                _stream.Dispose();
                _stream = next;
                if (next.Lost is { } lost)
                    _ctx.Err.Write($"xl: some events of domain {monitor.Domid} may be missing: {lost}\n");
                return true;
            }
            catch (EventStreamException ex)
            {
                if (DateTime.UtcNow > deadline)
                {
                    _ctx.Err.Write(ex.Message + "\n");
                    return false;
                }
                Thread.Sleep(200);
            }
        }
    }

    private void Print(IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
            _ctx.Err.Write(line + "\n");
        _ctx.Err.Flush();
    }

    public void Dispose() => _stream.Dispose();
}
