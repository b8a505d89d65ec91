using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;

namespace Xeno.Engine.Resources;

/// <summary>xl sched-credit / sched-credit2 -d: a domain's weight and cap, read and set at run time.</summary>
internal sealed class SchedRequests(EngineContext context, DomainRegistry registry)
{
    public const string WeightRangeMessage = "Cpu weight out of range, valid values are within range from 1 to 65535";

    public static string CapRangeMessage(int maxVcpus) =>
        $"Cpu cap out of range, valid range is from 0 to {maxVcpus * 100} for specified number of vcpus";

    public SchedParams Get(string idOrName) => registry.Find(idOrName).Domain.Sched;

    /// <summary>
    /// Sets weight and/or cap (null: unchanged) with libxl's range checks and words: weight 1..65535,
    /// cap 0..100 per vCPU. The cgroup changes first; the domain's record only if the kernel took it.
    /// </summary>
    public Task SetAsync(string idOrName, int? weight, int? cap, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.SetSched, _ =>
        {
            if (weight is { } w && w is < 1 or > 65535)
                throw new EngineException(EngineErrorKind.Invalid, WeightRangeMessage);
            if (cap is { } c && (c < 0 || c > d.Spec.MaxVcpus * 100))
                throw new EngineException(EngineErrorKind.Invalid, CapRangeMessage(d.Spec.MaxVcpus));
            var p = new SchedParams(weight ?? d.Sched.Weight, cap ?? d.Sched.Cap);
            CpuControl.Enforce(context, d, qemuPid: null, p, create: false);
            context.Log.Info($"Domain {d.Domid} ({d.Name}): weight {p.Weight}, cap {p.Cap}");
            return Task.FromResult(true);
        }, cancel);
    }
}
