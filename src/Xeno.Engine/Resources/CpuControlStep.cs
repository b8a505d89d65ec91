using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Lifecycle.StartSteps;

namespace Xeno.Engine.Resources;

/// <summary>
/// cpu_weight= and cap=: the domain's cgroup, with its QEMU process (every thread: in TCG the
/// vCPU threads do the guest's work, but the main loop and I/O threads work for the guest too,
/// and v2 only takes whole processes), weight and cap written before the guest runs much.
/// </summary>
internal sealed class CpuControlStep : IStartStep
{
    public string Name => "cpu-control";

    public Task RunAsync(StartContext context)
    {
        var d = context.Domain;
        var p = new SchedParams(d.Spec.CpuWeight, d.Spec.Cap);
        CpuControl.Enforce(context.Engine, d, context.Qemu.Process.Pid, p, create: true);
        return Task.CompletedTask;
    }

    // A start being undone must not leave the cgroup behind: no cancellation.
    public Task UndoAsync(StartContext context) => CpuControl.ReleaseAsync(context.Engine, context.Domain.Domid, CancellationToken.None);
}

/// <summary>
/// Re-adoption: the weight and cap last set (the run directory's record, else the cgroup's files,
/// else the config), enforced again on the same cgroup (recreated if it vanished).
/// </summary>
internal sealed class AdoptCpuControlStep : IStartStep
{
    public string Name => "adopt-cpu-control";

    public Task RunAsync(StartContext context)
    {
        var d = context.Domain;
        var runDir = context.Engine.Paths.DomainRunDir(d.Domid);
        SchedParams p;
        try
        {
            p = SchedFile.Load(runDir) ?? context.Engine.Cgroups.Find(d.Domid)?.Read() ?? new SchedParams(d.Spec.CpuWeight, d.Spec.Cap);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            p = new SchedParams(d.Spec.CpuWeight, d.Spec.Cap);
        }
        CpuControl.Enforce(context.Engine, d, context.Qemu.Process.Pid, p, create: true);
        return Task.CompletedTask;
    }

    public Task UndoAsync(StartContext context) => Task.CompletedTask;
}

/// <summary>The acts on a domain's cgroup shared by the steps, destroy and xl sched-*.</summary>
internal static class CpuControl
{
    /// <summary>Writes weight and cap (creating the cgroup and moving QEMU in when asked), then records them.</summary>
    public static void Enforce(EngineContext engine, Domain d, int? qemuPid, SchedParams p, bool create)
    {
        try
        {
            var cg = create ? engine.Cgroups.Create(d.Domid) : engine.Cgroups.Find(d.Domid);
            cg?.Apply(p);
            if (create && qemuPid is { } pid)
                cg?.AddProcess(pid);
            engine.Cgroups.Rebalance();
            d.Sched = p;
            SchedFile.Save(engine.Paths.DomainRunDir(d.Domid), p);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": cgroup {engine.Cgroups.Plan.InstanceDir}: {e.Message}", e);
        }
    }

    /// <summary>Removes the domain's cgroup; a failure is logged (the host keeps an empty directory).</summary>
    public static async Task ReleaseAsync(EngineContext engine, int domid, CancellationToken cancel)
    {
        try
        {
            await engine.Cgroups.RemoveAsync(domid, cancel);
            engine.Cgroups.Rebalance();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            engine.Log.Info($"Domain {domid}: removing its cgroup failed: {e.Message}");
        }
    }

    /// <summary>After re-adoption: cgroups of domains that no longer exist are removed.</summary>
    public static async Task RemoveOrphansAsync(EngineContext engine, IReadOnlySet<int> live, CancellationToken cancel)
    {
        foreach (var domid in engine.Cgroups.Domids())
        {
            if (live.Contains(domid))
                continue;
            engine.Log.Info($"Domain {domid} is gone: removing its cgroup");
            await ReleaseAsync(engine, domid, cancel);
        }
    }
}
