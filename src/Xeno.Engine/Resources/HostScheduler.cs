namespace Xeno.Engine.Resources;

/// <summary>
/// The scheduler this xenod stands for ("credit" or "credit2", xl info's xen_scheduler) and
/// Pool-0's parameters. Weight and cap are enforced per domain by the CPU controller; tslice,
/// ratelimit and migration delay have no per-cgroup counterpart in the host kernel, so they are
/// validated with Xen's ranges and kept (in memory: a restarted xenod starts from Xen's defaults).
/// </summary>
internal sealed class HostScheduler
{
    public const string PoolName = "Pool-0";

    public HostScheduler(string name)
    {
        if (name is not ("credit" or "credit2"))
            throw new ArgumentException($"scheduler \"{name}\" is not one Xeno enforces (credit, credit2)", nameof(name));
        Name = name;
    }

    public string Name { get; }
    public int TsliceMs { get; private set; } = 30;
    public int RatelimitUs { get; private set; } = 1000;
    public int MigrationDelayUs { get; private set; }

    private readonly Lock _gate = new();

    /// <summary>Sets the given ones after libxl's checks, in libxl's order and words; nothing changes on an error.</summary>
    public void Set(int? tsliceMs, int? ratelimitUs, int? migrationDelayUs)
    {
        lock (_gate)
        {
            int t = tsliceMs ?? TsliceMs, r = ratelimitUs ?? RatelimitUs, m = migrationDelayUs ?? MigrationDelayUs;
            if (Name == "credit" && t is < 1 or > 1000)
                throw Invalid("Time slice out of range, valid range is from 1 to 1000");
            if (r != 0 && r is < 100 or > 500000)
                throw Invalid("Ratelimit out of range, valid range is from 100 to 500000");
            if (Name == "credit" && r > t * 1000)
                throw Invalid("Ratelimit cannot be greater than timeslice");
            if (Name == "credit" && m is < 0 or > 100000)
                throw Invalid("vcpu migration delay should be >= 0 and <= 100000us");
            (TsliceMs, RatelimitUs, MigrationDelayUs) = (t, r, m);
        }
    }

    private static Domains.EngineException Invalid(string message) => new(Domains.EngineErrorKind.Invalid, message);
}
