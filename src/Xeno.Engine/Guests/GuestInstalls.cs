using Xeno.Api.Contracts;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Guests;

/// <summary>
/// xenod's installs (POST /v1/guests/install): each checked, then run in the background as an
/// operation its client follows by id. One install per guest name at a time. Installs outlive
/// the request, not xenod.
/// </summary>
public sealed class GuestInstalls(DomainEngine engine)
{
    private readonly HelperOperations<GuestInstallResult> _operations = new("install");

    /// <summary>Checks the request (refusals throw and change nothing) and starts the install.</summary>
    public async Task<GuestInstallOperation> StartAsync(GuestInstallRequest request)
    {
        var names = (await engine.ListAsync(CancellationToken.None)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var plan = GuestInstallCheck.Check(request, engine.Paths.Layout, names);
        var progress = _operations.Add(plan.Name, $"the helper domain {plan.HelperName} exists already (another install of {plan.Name} running?)");
        engine.Log.Info($"guest-install: {plan.Name}: install {progress.Id} started ({plan.TypeText}, disk {plan.Disk})");
        _ = Task.Run(() => new GuestInstallJob(engine, plan, progress).RunAsync());
        return Shape(progress);
    }

    public GuestInstallOperation Get(string id) => Shape(_operations.Get(id));

    private static GuestInstallOperation Shape(HelperOperation<GuestInstallResult> o) =>
        o.Snapshot((id, name, state, steps, error, result) => new GuestInstallOperation { Id = id, Name = name, State = state, Steps = steps, Error = error, Result = result });
}
