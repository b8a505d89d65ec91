using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Lifecycle;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Migration.Streams;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Migration;

/// <summary>
/// xenod's part of xl migrate (docs/migration.md): xl owns the channel to the other host and the
/// hand-over; xenod describes the domain, lets QEMU send its live stream (pre-copy, then
/// stop-and-copy) to a unix socket xl listens on, and on the other side creates the paused
/// "&lt;name&gt;--incoming" domain whose QEMU listens on a socket xl feeds. A completed send leaves
/// the guest stopped (listed paused) so xl can resume it if the target fails; a failed send
/// leaves it running (QEMU restarts a guest whose migration failed).
/// </summary>
internal sealed class LiveMigrationRequests(EngineContext context, DomainRegistry registry, DomainLifecycle lifecycle)
{
    /// <summary>The suffix Xen's xl gives the receiving copy until the sender hands over.</summary>
    public const string IncomingSuffix = MigrationTwin.IncomingSuffix;

    public Task<MigrationDescription> DescribeAsync(string idOrName, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.MigrateOut, _ =>
        {
            if (d.Qemu is null)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            var state = new DomainStateRecord(d.Name, d.Spec.Uuid, DomainSpecJson.Write(d.Spec), d.Paused, d.TargetKb, d.MaxMemKb)
            {
                SoftAffinity = d.Affinity.Soft.Select(a => a is null ? null : CpuRanges.Format(a)).ToList(),
                VncPassword = string.IsNullOrEmpty(d.Spec.Vnc.Password) ? null : d.Spec.Vnc.Password,
            };
            return Task.FromResult(new MigrationDescription { ConfigJson = DomainSpecJson.Write(d.Spec), StateJson = state.ToJson() });
        }, cancel);
    }

    public Task<MigrationSendResponse> SendAsync(string idOrName, string socketPath, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.MigrateOut, async token =>
        {
            if (!Path.IsPathFullyQualified(socketPath))
                throw new EngineException(EngineErrorKind.Invalid, $"migrate needs an absolute socket path, got \"{socketPath}\"");
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            s.MoveTo(DomainPhase.MigratingOut);
            try
            {
                await QemuMigration.SendAsync(d, q, "unix:" + socketPath, context.Options.MigrationTimeout, token);
                var reply = await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("query-migrate", null, t), token);
                // QEMU stopped the vCPUs for the stop-and-copy and leaves them so: listed paused until
                // xl destroys this copy (success) or resumes it (the target failed).
                d.Paused = true;
                context.Records.Save(d);
                context.Emit(DomainEventKind.Paused, d);
                s.MoveTo(DomainPhase.Running);
                context.Log.Info($"Domain {d.Domid} ({d.Name}) sent by live migration, stopped until the target confirms");
                return Figures(reply);
            }
            catch (Exception e) when (e is EngineException or QmpException or TimeoutException or OperationCanceledException)
            {
                s.MoveTo(DomainPhase.Running);
                context.Log.Info($"Domain {d.Domid} ({d.Name}): live migration failed, the guest runs on: {e.Message}");
                if (e is OperationCanceledException)
                    throw;
                throw new EngineException(e is EngineException ee ? ee.Kind : EngineErrorKind.Failed, e.Message, e);
            }
        }, cancel);
    }

    /// <summary>
    /// QEMU's figures while it sends, asked directly under a short deadline: the send holds the
    /// domain's operations, and a progress line must not wait for it to end.
    /// </summary>
    public async Task<MigrationProgress> ProgressAsync(string idOrName, CancellationToken cancel)
    {
        var d = registry.Find(idOrName).Domain;
        if (d.Qemu is not { } q)
            throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
        try
        {
            return MigrationProgressReply.Read(await q.Qmp.ExecuteAsync("query-migrate", null, ProgressDeadline, cancel));
        }
        catch (Exception e) when (e is QmpException or ObjectDisposedException)
        {
            // Not marked not-responding: a QEMU busy sending may answer a progress poll late.
            throw new EngineException(EngineErrorKind.Failed, $"Domain {d.Domid}: no migration figures from QEMU: {e.Message}", e);
        }
    }

    private static readonly TimeSpan ProgressDeadline = TimeSpan.FromSeconds(2);

    /// <summary>Returns the domid of "&lt;name&gt;--incoming", paused, its state received.</summary>
    public async Task<int> ReceiveAsync(string stateJson, string socketPath, CancellationToken cancel)
    {
        if (!Path.IsPathFullyQualified(socketPath))
            throw new EngineException(EngineErrorKind.Invalid, $"migrate-receive needs an absolute socket path, got \"{socketPath}\"");
        DomainStateRecord state;
        DomainSpec spec;
        try
        {
            state = DomainStateRecord.FromJson(stateJson);
            spec = DomainSpecJsonReader.Read(state.SpecJson);
        }
        catch (Exception e) when (e is DomainSpecJsonException or Xeno.Migration.SaveFiles.SaveFileException or JsonException)
        {
            throw new EngineException(EngineErrorKind.Invalid, $"migration stream: bad domain state ({e.Message})", e);
        }
        spec = spec with { Name = state.Name + IncomingSuffix, Uuid = state.Uuid };
        if (state.VncPassword is { } password && string.IsNullOrEmpty(spec.Vnc.Password))
            spec = spec with { Vnc = spec.Vnc with { Password = password } };
        int domid = await lifecycle.CreateIncomingAsync(spec,
            d =>
            {
                d.TargetKb = state.TargetKb;
                d.MaxMemKb = state.MaxMemKb;
                d.Affinity = d.Affinity with
                {
                    Soft = state.SoftAffinity.Select(t => t is not null && Xeno.Host.KernelCpuList.TryParse(t, out var c) ? c : null).ToList(),
                };
            },
            (d, q, t) => QemuMigration.ReceiveAsync(d, q, "unix:" + socketPath, context.Options.MigrationTimeout, t),
            paused: true);
        context.Log.Info($"Domain {domid} ({spec.Name}) received by live migration, paused until the sender hands over");
        return domid;
    }

    private static MigrationSendResponse Figures(JsonElement reply)
    {
        static long At(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryGetInt64(out long n) ? n : 0;
        var ram = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("ram", out var r) ? r : default;
        return new MigrationSendResponse
        {
            TotalTimeMs = At(reply, "total-time"),
            DowntimeMs = At(reply, "downtime"),
            SetupTimeMs = At(reply, "setup-time"),
            TransferredBytes = At(ram, "transferred"),
            Iterations = At(ram, "dirty-sync-count"),
        };
    }
}
