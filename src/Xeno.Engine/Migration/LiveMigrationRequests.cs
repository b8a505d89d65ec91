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

    /// <param name="copyStorage">xl migrate --copy-storage: the state lists the local disks the target is to create and receive.</param>
    public Task<MigrationDescription> DescribeAsync(string idOrName, bool copyStorage, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.MigrateOut, async token =>
        {
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            // A device QEMU cannot migrate is refused here, before xl starts the receiver: nothing has moved or stopped.
            var blockers = MigrationBlockers.Read(await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("query-migrate", null, t), token));
            if (MigrationBlockers.Refusal(d.Domid, d.Name, blockers) is { } blocked)
                throw new EngineException(EngineErrorKind.Conflict, blocked);
            IReadOnlyList<CopiedDisk> copied = copyStorage ? await StorageMirror.DisksAsync(d, q, token) : [];
            if (copyStorage && copied.Count == 0)
                throw new EngineException(EngineErrorKind.Invalid, $"Domain {d.Domid} has no writable disk for --copy-storage to copy");
            var state = new DomainStateRecord(d.Name, d.Spec.Uuid, DomainSpecJson.Write(d.Spec), d.Paused, d.TargetKb, d.MaxMemKb)
            {
                SoftAffinity = d.Affinity.Soft.Select(a => a is null ? null : CpuRanges.Format(a)).ToList(),
                VncPassword = string.IsNullOrEmpty(d.Spec.Vnc.Password) ? null : d.Spec.Vnc.Password,
                CopiedDisks = copied,
            };
            return new MigrationDescription { ConfigJson = DomainSpecJson.Write(d.Spec), StateJson = state.ToJson() };
        }, cancel);
    }

    /// <param name="socketPath">xl's unix socket QEMU writes its stream to (the relay); null with <paramref name="channel"/>.</param>
    /// <param name="nbdSocketPath">With --copy-storage: xl's socket relaying NBD to the target, where the local disks are mirrored first.</param>
    /// <param name="channel">The transport itself, handed over by xl (docs/api.md): QEMU writes its stream straight into it. Always closed here.</param>
    public async Task<MigrationSendResponse> SendAsync(string idOrName, string? socketPath, string? nbdSocketPath, CancellationToken cancel,
        Microsoft.Win32.SafeHandles.SafeFileHandle? channel = null)
    {
        using var guard = new ChannelGuard(channel);
        if ((socketPath is null) == (channel is null))
            throw new EngineException(EngineErrorKind.Invalid, "migrate needs either a socket path or a handed-over channel (fd_token), not both");
        if (channel is not null && nbdSocketPath is not null)
            throw new EngineException(EngineErrorKind.Invalid, "--copy-storage multiplexes the channel: it cannot be handed to QEMU");
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return await s.RunAsync(DomainOperation.MigrateOut, async token =>
        {
            if (socketPath is not null && !Path.IsPathFullyQualified(socketPath))
                throw new EngineException(EngineErrorKind.Invalid, $"migrate needs an absolute socket path, got \"{socketPath}\"");
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            if (nbdSocketPath is not null && !Path.IsPathFullyQualified(nbdSocketPath))
                throw new EngineException(EngineErrorKind.Invalid, $"migrate needs an absolute NBD socket path, got \"{nbdSocketPath}\"");
            s.MoveTo(DomainPhase.MigratingOut);
            IReadOnlyList<CopiedDisk> copied = [];
            try
            {
                Func<CancellationToken, Task>? atSwitchover = null;
                if (nbdSocketPath is not null)
                {
                    copied = await StorageMirror.DisksAsync(d, q, token);
                    context.Log.Info($"Domain {d.Domid} ({d.Name}): mirroring {copied.Count} disk(s) to the target");
                    var mirroring = System.Diagnostics.Stopwatch.StartNew();
                    await StorageMirror.StartAsync(d, q, copied, nbdSocketPath, context.Options.MigrationTimeout, token);
                    // The copy's own figure (the migration benchmark reads it): every disk copied once, following the guest's writes.
                    context.Log.Info(StorageMirror.ReadyLine(d, copied, mirroring.Elapsed));
                    var disks = copied;
                    atSwitchover = t => StorageMirror.CompleteAsync(d, q, disks, t);
                }
                string uri = guard.Release() is { } fd
                    ? await QemuMigration.HandChannelAsync(d, q, fd, token)
                    : "unix:" + socketPath;
                string through = socketPath is null ? "through the channel xl handed over" : "through xl's relay";
                // QEMU's reply that saw the end has its figures: no query more while the guest waits.
                var reply = await QemuMigration.SendAsync(d, q, uri, context.Options.MigrationTimeout, token, atSwitchover);
                if (copied.Count > 0)
                    await StorageMirror.ResetSwitchoverPauseAsync(d, q);
                // QEMU stopped the vCPUs for the stop-and-copy and leaves them so: listed paused until
                // xl destroys this copy (success) or resumes it (the target failed).
                d.Paused = true;
                context.Records.Save(d);
                context.Emit(DomainEventKind.Paused, d);
                s.MoveTo(DomainPhase.Running);
                context.Log.Info($"Domain {d.Domid} ({d.Name}) sent by live migration {through}, stopped until the target confirms");
                return Figures(reply);
            }
            catch (Exception e) when (e is EngineException or QmpException or TimeoutException or OperationCanceledException)
            {
                if (nbdSocketPath is not null)
                    await StorageMirror.AbortAsync(d, q, copied);
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
    /// <param name="socketPath">Where QEMU listens for xl's relay; null with <paramref name="channel"/>.</param>
    /// <param name="nbdSocketPath">With --copy-storage: where the incoming QEMU's NBD server appears once every disk is exported.</param>
    /// <param name="channel">The transport itself, handed over by xl: QEMU reads the stream straight from it. Always closed here.</param>
    public async Task<int> ReceiveAsync(string stateJson, string? socketPath, string? nbdSocketPath, CancellationToken cancel,
        Microsoft.Win32.SafeHandles.SafeFileHandle? channel = null)
    {
        using var guard = new ChannelGuard(channel);
        if ((socketPath is null) == (channel is null))
            throw new EngineException(EngineErrorKind.Invalid, "migrate-receive needs either a socket path or a handed-over channel (fd_token), not both");
        if (channel is not null && nbdSocketPath is not null)
            throw new EngineException(EngineErrorKind.Invalid, "--copy-storage multiplexes the channel: it cannot be handed to QEMU");
        if (socketPath is not null && !Path.IsPathFullyQualified(socketPath))
            throw new EngineException(EngineErrorKind.Invalid, $"migrate-receive needs an absolute socket path, got \"{socketPath}\"");
        if (nbdSocketPath is not null && !Path.IsPathFullyQualified(nbdSocketPath))
            throw new EngineException(EngineErrorKind.Invalid, $"migrate-receive needs an absolute NBD socket path, got \"{nbdSocketPath}\"");
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
        var copied = state.CopiedDisks;
        if (copied.Count > 0 && nbdSocketPath is null)
            throw new EngineException(EngineErrorKind.Invalid, "the sender copies disks (--copy-storage) but the request names no NBD socket");
        // Before anything is made for it (a disk copy, a domid, QEMU): every file its QEMU opens must be here.
        var problems = IncomingDevices.Problems(spec, copied, bootFilesOnHost: !Domains.Bootloader.PygrubCommandLine.Runs(spec),
            path => File.Exists(path) || Directory.Exists(path));
        if (IncomingDevices.Refusal(state.Name, problems) is { } refusal)
        {
            context.Log.Info($"Incoming migration of {state.Name} refused: {refusal}");
            throw new EngineException(EngineErrorKind.Invalid, refusal);
        }
        // Each disk is listed before it is created, so a xenod killed from here on removes it at its next start.
        var staged = IncomingDiskJournal.NewStaged(context.Paths.RunDir);
        var created = StorageMirror.CreateDisks(copied, list => Record(staged, list));
        int domid;
        try
        {
            domid = await lifecycle.CreateIncomingAsync(spec,
                d =>
                {
                    d.TargetKb = state.TargetKb;
                    d.MaxMemKb = state.MaxMemKb;
                    d.Affinity = d.Affinity with
                    {
                        Soft = state.SoftAffinity.Select(t => t is not null && Xeno.Host.KernelCpuList.TryParse(t, out var c) ? c : null).ToList(),
                    };
                    // The list moves into the domain's run folder: destroyed, or never started (no runtime record), it goes with its disks.
                    if (created.Count > 0)
                        Record(() => IncomingDiskJournal.MoveInto(staged, context.Paths.DomainRunDir(d.Domid)), staged);
                },
                async (d, q, t) =>
                {
                    if (copied.Count > 0)
                        await StorageMirror.ExportAsync(d, q, copied, nbdSocketPath!, t);
                    string uri = guard.Release() is { } fd
                        ? await QemuMigration.HandChannelAsync(d, q, fd, t)
                        : "unix:" + socketPath;
                    await QemuMigration.ReceiveAsync(d, q, uri, context.Options.MigrationTimeout, t);
                    // The mirrors completed before QEMU's last state: the copies are whole, the exports go.
                    if (copied.Count > 0)
                        await StorageMirror.StopExportAsync(d, q, t);
                },
                paused: true);
        }
        catch
        {
            StorageMirror.RemoveDisks(created);
            StorageMirror.RemoveDisks([staged]);
            throw;
        }
        if (created.Count > 0)
            _copiedDisks[domid] = created;
        context.Log.Info($"Domain {domid} ({spec.Name}) received by live migration {(socketPath is null ? "through the channel xl handed over" : "through xl's relay")}, paused until the sender hands over");
        return domid;
    }

    private static void Record(string path, IReadOnlyList<string> disks) => Record(() => IncomingDiskJournal.Write(path, disks), path);

    private static void Record(Action write, string path)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineErrorKind.Failed, $"cannot record the disks it creates in {path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// After a xenod restart: an adopted copy still named "&lt;name&gt;--incoming" (its start had
    /// completed, the hand-over not yet) takes the disks on its run folder's list with it when destroyed.
    /// </summary>
    public void AdoptCopiedDisks()
    {
        foreach (var s in registry.All())
        {
            var d = s.Domain;
            if (!d.Name.EndsWith(IncomingSuffix, StringComparison.Ordinal))
                continue;
            try
            {
                if (IncomingDiskJournal.Read(IncomingDiskJournal.PathIn(context.Paths.DomainRunDir(d.Domid))) is { Count: > 0 } disks)
                    _copiedDisks[d.Domid] = disks;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                context.Log.Info($"Domain {d.Domid} ({d.Name}): cannot read the list of disks it received: {e.Message}");
            }
        }
    }

    /// <summary>Disks an incoming copy received (--copy-storage), removed if that copy is destroyed before the hand-over.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, IReadOnlyList<string>> _copiedDisks = new();

    /// <summary>
    /// A destroyed domain: if it was an incoming copy that never got the hand-over (still named
    /// "&lt;name&gt;--incoming"), the disks it received are half a migration and go with it.
    /// </summary>
    public void Destroyed(int domid, string name)
    {
        if (_copiedDisks.TryRemove(domid, out var disks) && name.EndsWith(IncomingSuffix, StringComparison.Ordinal))
        {
            StorageMirror.RemoveDisks(disks);
            context.Log.Info($"Domain {domid} ({name}): removed the disks it received: {string.Join(", ", disks)}");
        }
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

    /// <summary>Closes a handed-over channel on every path that does not pass it on to QEMU.</summary>
    private sealed class ChannelGuard(Microsoft.Win32.SafeHandles.SafeFileHandle? channel) : IDisposable
    {
        private Microsoft.Win32.SafeHandles.SafeFileHandle? _channel = channel;

        /// <summary>The channel, now the caller's to close.</summary>
        public Microsoft.Win32.SafeHandles.SafeFileHandle? Release() => Interlocked.Exchange(ref _channel, null);

        public void Dispose() => Release()?.Dispose();
    }
}
