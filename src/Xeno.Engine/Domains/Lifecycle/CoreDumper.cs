using System.Text.Json.Nodes;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Lifecycle;

/// <summary>
/// on_*="coredump-*": QMP dump-guest-memory (ELF) to &lt;prefix&gt;/var/lib/xeno/dump/&lt;name&gt;.
/// It holds only its own domain (never a shared lock) under its own long deadline
/// (EngineOptions.CoreDumpTimeout); a destroy of the domain cancels the wait.
/// </summary>
internal sealed class CoreDumper(EngineContext context)
{
    /// <summary>
    /// xl dump-core: the same ELF dump to the admin's <paramref name="file"/>, under the same
    /// deadline; QEMU's refusal (a path it cannot write) is the caller's error.
    /// </summary>
    public async Task DumpToAsync(Domain d, string file, CancellationToken cancel)
    {
        if (d.Qemu is not { } q)
            throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("dump-guest-memory",
                new JsonObject { ["paging"] = false, ["protocol"] = "file:" + file }, context.Options.CoreDumpTimeout, t), cancel);
        }
        catch (QmpCommandException e)
        {
            throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": core dump to {file} failed: {e.Message}", e);
        }
        context.Log.Info($"Domain {d.Domid}: core dumped to {file} (xl dump-core)");
    }

    /// <summary>False when QEMU may still be busy dumping (timed out or cancelled): stop it by SIGKILL.</summary>
    public async Task<bool> DumpAsync(Domain d, CancellationToken cancel)
    {
        if (d.Qemu is not { } q)
        {
            context.Log.Info($"Domain {d.Domid}: QEMU is gone, no core dump possible");
            return true;
        }
        Directory.CreateDirectory(context.Paths.DumpDir);
        var file = context.Paths.DumpFile(d.Name);
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("dump-guest-memory",
                new JsonObject { ["paging"] = false, ["protocol"] = "file:" + file }, context.Options.CoreDumpTimeout, t), cancel);
            context.Log.Info($"Domain {d.Domid}: core dumped to {file}");
            return true;
        }
        catch (QmpException e)
        {
            context.Log.Info($"Domain {d.Domid}: core dump to {file} failed: {e.Message}");
            return true;
        }
        catch (EngineException e)
        {
            context.Log.Info($"Domain {d.Domid}: core dump to {file} failed: {e.Message}");
            return false;
        }
        catch (OperationCanceledException)
        {
            context.Log.Info($"Domain {d.Domid}: core dump to {file} cancelled: the domain is being destroyed");
            return false;
        }
    }
}
