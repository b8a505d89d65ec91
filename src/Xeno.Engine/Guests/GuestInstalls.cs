using System.Globalization;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Guests;

/// <summary>
/// xenod's installs (POST /v1/guests/install): each checked, then run in the background as an
/// operation its client follows by id. One install per guest name at a time; the last
/// <see cref="Kept"/> finished ones stay readable. Installs outlive the request, not xenod.
/// </summary>
public sealed class GuestInstalls(DomainEngine engine)
{
    private const int Kept = 64;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GuestInstallProgress> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _next;

    /// <summary>Checks the request (refusals throw and change nothing) and starts the install.</summary>
    public async Task<GuestInstallOperation> StartAsync(GuestInstallRequest request)
    {
        var names = (await engine.ListAsync(CancellationToken.None)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var plan = GuestInstallCheck.Check(request, engine.Paths.Layout, names);
        GuestInstallProgress progress;
        lock (_lock)
        {
            if (_byId.Values.Any(p => p.Running && p.Name == plan.Name))
                throw new EngineException(EngineErrorKind.Conflict, $"the helper domain {plan.HelperName} exists already (another install of {plan.Name} running?)");
            string id = (++_next).ToString(CultureInfo.InvariantCulture);
            progress = new GuestInstallProgress(id, plan.Name);
            _byId[id] = progress;
            _order.Enqueue(id);
            while (_order.Count > Kept && _byId.TryGetValue(_order.Peek(), out var oldest) && !oldest.Running)
                _byId.Remove(_order.Dequeue());
        }
        engine.Log.Info($"guest-install: {plan.Name}: install {progress.Id} started ({plan.TypeText}, disk {plan.Disk})");
        _ = Task.Run(() => new GuestInstallJob(engine, plan, progress).RunAsync());
        return progress.Snapshot();
    }

    public GuestInstallOperation Get(string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var p)
                ? p.Snapshot()
                : throw new EngineException(EngineErrorKind.NotFound, $"no install {id} (xenod keeps the last {Kept} finished ones until it restarts)");
        }
    }
}
