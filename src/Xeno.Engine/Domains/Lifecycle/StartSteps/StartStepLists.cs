namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>The ordered steps after QEMU starts, and their counterparts after a re-adoption.</summary>
internal static class StartStepLists
{
    /// <summary>After a fresh start: the CPU controller, threads (affinity needs them), the display's password, the balloon.</summary>
    public static IReadOnlyList<IStartStep> ForStart { get; } =
    [
        // cpu_weight= and cap= first, so the guest spends as little time as possible unconstrained.
        new Resources.CpuControlStep(),
        new ReadVcpuThreadsStep(),
        new HardAffinityStep(),
        new VncPasswordStep(required: true),
        new BalloonTargetStep(),
    ];

    /// <summary>
    /// After a re-adoption: threads again, the hard affinity as the kernel enforces it, and the VNC
    /// password again in case the previous xenod died before setting it (logged, not fatal: the guest runs).
    /// </summary>
    public static IReadOnlyList<IStartStep> ForAdoption { get; } =
    [
        new Resources.AdoptCpuControlStep(),
        new ReadVcpuThreadsStep(),
        new ReadAffinityStep(),
        new VncPasswordStep(required: false),
    ];
}
