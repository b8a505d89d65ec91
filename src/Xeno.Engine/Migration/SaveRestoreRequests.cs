using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Lifecycle;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Migration.SaveFiles;
using Xeno.Migration.Streams;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Migration;

/// <summary>
/// xl save and xl restore. Save: in phase Saving, the guest stopped, the file's prefix written
/// (<see cref="SaveFileLayout"/>), QEMU's stream appended by QEMU, the length patched in, the
/// trailer added; then the domain is destroyed, or with -c / -p kept (running / paused). Any
/// failure deletes the file and resumes the guest. Restore: the whole file checked first
/// (<see cref="SaveFileReader"/>), then a new domain (new domid, same name and UUID) in phase
/// Incoming whose QEMU reads the stream; nothing is left when any step fails.
/// </summary>
internal sealed class SaveRestoreRequests(EngineContext context, DomainRegistry registry, DomainLifecycle lifecycle)
{
    /// <summary>Returns Xen's header info ("0x80000001/0x0/1234") for xl's "Saving to" line.</summary>
    public Task<string> SaveAsync(string idOrName, string path, bool checkpoint, bool leavePaused, DomainSpec? config, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.Save, async token =>
        {
            if (!Path.IsPathFullyQualified(path))
                throw new EngineException(EngineErrorKind.Invalid, $"save needs an absolute path, got \"{path}\"");
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            var spec = config ?? d.Spec;
            // A config given to xl save names the domain restore creates (Xen's); the UUID stays the guest's.
            var state = new DomainStateRecord(config?.Name ?? d.Name, d.Spec.Uuid, DomainSpecJson.Write(spec), d.Paused, d.TargetKb, d.MaxMemKb)
            {
                SoftAffinity = d.Affinity.Soft.Select(a => a is null ? null : CpuRanges.Format(a)).ToList(),
                VncPassword = string.IsNullOrEmpty(spec.Vnc.Password) ? null : spec.Vnc.Password,
            };
            var layout = SaveFileLayout.For(DomainSpecJson.Write(spec), state.ToJson());
            s.MoveTo(DomainPhase.Saving);
            bool wasPaused = d.Paused, stopped = false, created = false;
            try
            {
                WritePrefix(path, layout.Prefix);
                created = true;
                // Xen saves a suspended guest: its memory does not change while it is written.
                if (!wasPaused)
                {
                    await QmpCall.RunAsync(d, q, (c, t) => c.StopAsync(t), token);
                    stopped = true;
                }
                await QemuMigration.SendAsync(d, q, QemuMigration.AppendToFileUri(path), context.Options.MigrationTimeout, token);
                Finish(path, layout);
            }
            catch (Exception e) when (e is EngineException or QmpException or IOException or UnauthorizedAccessException
                                          or TimeoutException or OperationCanceledException)
            {
                if (created)
                    TryDelete(path);
                if (stopped && !token.IsCancellationRequested)
                    await ResumeAsync(d, q);
                s.MoveTo(DomainPhase.Running);
                context.Log.Info($"Domain {d.Domid} ({d.Name}): save to {path} failed, resuming domain: {e.Message}");
                if (e is OperationCanceledException)
                    throw;
                throw new EngineException(e is EngineException ee ? ee.Kind : EngineErrorKind.Failed, e.Message, e);
            }
            context.Log.Info($"Domain {d.Domid} ({d.Name}) saved to {path} (info {layout.Header.Info})" +
                             (checkpoint ? ", left running" : leavePaused ? ", left paused" : ""));
            if (checkpoint || leavePaused)
            {
                s.MoveTo(DomainPhase.Running);
                if (leavePaused && !wasPaused)
                {
                    d.Paused = true;
                    context.Records.Save(d);
                    context.Emit(DomainEventKind.Paused, d);
                }
                else if (stopped)
                    await ResumeAsync(d, q);
            }
            else
                await lifecycle.DestroyHeldAsync(s, killOnly: false);
            return layout.Header.Info;
        }, cancel);
    }

    /// <summary>Returns the new domid.</summary>
    public async Task<int> RestoreAsync(string path, bool paused, DomainSpec? config, CancellationToken cancel)
    {
        if (!Path.IsPathFullyQualified(path))
            throw new EngineException(EngineErrorKind.Invalid, $"restore needs an absolute path, got \"{path}\"");
        SaveFile file;
        DomainStateRecord state;
        DomainSpec spec;
        try
        {
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read))
                file = SaveFileReader.Read(f, path, _ => { });
            state = DomainStateRecord.FromJson(file.DomainStateJson);
            spec = config ?? DomainSpecJsonReader.Read(state.SpecJson) with { Name = state.Name };
        }
        catch (SaveFileException e)
        {
            throw new EngineException(EngineErrorKind.Invalid, e.Detail is null ? e.Message : $"{e.Message} ({e.Detail})", e);
        }
        catch (DomainSpecJsonException e)
        {
            throw new EngineException(EngineErrorKind.Invalid, $"Savefile is corrupt ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineErrorKind.Invalid, $"Can't open restore file: {e.Message}", e);
        }
        // The guest's identity stays; a config given on the command line supplies the rest.
        spec = spec with { Uuid = state.Uuid };
        if (state.VncPassword is { } password && string.IsNullOrEmpty(spec.Vnc.Password))
            spec = spec with { Vnc = spec.Vnc with { Password = password } };
        var uri = QemuMigration.ReadRangeUri(path, file.QemuOffset, file.QemuLength);
        int domid = await lifecycle.CreateIncomingAsync(spec,
            d =>
            {
                d.TargetKb = state.TargetKb;
                d.MaxMemKb = state.MaxMemKb;
                d.Affinity = d.Affinity with { Soft = state.SoftAffinity.Select(ParseCpus).ToList() };
            },
            (d, q, t) => QemuMigration.ReceiveAsync(d, q, uri, context.Options.MigrationTimeout, t),
            paused);
        context.Log.Info($"Domain {domid} ({spec.Name}) restored from {path}{(paused ? ", paused" : "")}");
        return domid;
    }

    private static IReadOnlySet<int>? ParseCpus(string? text) =>
        text is not null && Xeno.Host.KernelCpuList.TryParse(text, out var cpus) ? cpus : null;

    private async Task ResumeAsync(Domain d, Xeno.Qemu.Processes.QemuInstance q)
    {
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ContinueAsync(t), CancellationToken.None);
        }
        catch (Exception e) when (e is QmpException or EngineException)
        {
            context.Log.Info($"Domain {d.Domid} ({d.Name}): resuming after save failed: {e.Message}");
        }
    }

    /// <summary>Root-only, as the file holds guest memory (and maybe a VNC password).</summary>
    private static void WritePrefix(string path, byte[] prefix)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var f = new FileStream(path, options);
        f.Write(prefix);
    }

    /// <summary>QEMU's stream is in: its length patched in, the end record added, all on disk.</summary>
    private static void Finish(string path, SaveFileLayout layout)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var patch = layout.LengthPatch(f.Length);
        f.Position = f.Length;
        f.Write(SaveFileLayout.Trailer());
        f.Position = layout.QemuLengthFieldOffset;
        f.Write(patch);
        f.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
