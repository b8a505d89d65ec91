using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>GET /v1/domains/{dom}/sched: the domain's credit-scheduler parameters as Xen numbers.</summary>
public sealed record DomainSchedParams
{
    /// <summary>Relative share under contention, 1..65535 (Xen's default 256).</summary>
    public required int Weight { get; init; }
    /// <summary>Percent of one host CPU the domain may use at most; 0 = no cap.</summary>
    public required int Cap { get; init; }
}

/// <summary>POST /v1/domains/{dom}/sched (xl sched-credit -d -w/-c): a null field stays as it is.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SetDomainSchedRequest
{
    public int? Weight { get; init; }
    public int? Cap { get; init; }
}

/// <summary>GET /v1/host/scheduler: the scheduler xenod stands for, Pool-0's parameters and how they are enforced.</summary>
public sealed record SchedulerInfo
{
    /// <summary>"credit" or "credit2" (xl info's xen_scheduler).</summary>
    public required string Scheduler { get; init; }
    public required string Pool { get; init; }
    public required int TsliceMs { get; init; }
    public required int RatelimitUs { get; init; }
    public required int MigrationDelayUs { get; init; }
    /// <summary>"cgroup-v1", "cgroup-v2" or "none" (weight and cap kept but not enforced).</summary>
    public required string Enforcement { get; init; }
    /// <summary>This xenod's cgroup subtree; null when not enforcing.</summary>
    public string? CgroupDir { get; init; }
}

/// <summary>POST /v1/host/scheduler (xl sched-credit -s -t/-r/-m): a null field stays as it is.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SetSchedulerRequest
{
    public int? TsliceMs { get; init; }
    public int? RatelimitUs { get; init; }
    public int? MigrationDelayUs { get; init; }
}
