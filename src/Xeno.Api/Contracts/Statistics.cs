namespace Xeno.Api.Contracts;

/// <summary>
/// GET /v1/statistics: what xentop shows, read without waiting on any domain's operations.
/// A domain whose QEMU does not answer within the deadline is still listed with what is known
/// (CPU, memory, vCPUs); its block figures are then marked unavailable.
/// </summary>
public sealed record StatisticsResponse
{
    /// <summary>Seconds since the Unix epoch when the figures were read (CPU(%) is a rate between two answers).</summary>
    public required double Time { get; init; }
    public required HostStatistics Host { get; init; }
    /// <summary>Every guest, by domid (Domain-0 is the host: xl adds it from <see cref="Host"/>).</summary>
    public required IReadOnlyList<DomainStatistics> Domains { get; init; }
}

/// <summary>xentop's summary lines: host memory and CPUs.</summary>
public sealed record HostStatistics
{
    public required long TotalMemoryKb { get; init; }
    public required long FreeMemoryKb { get; init; }
    public required int Cpus { get; init; }
    public required long CpuMhz { get; init; }
    /// <summary>CPU time of the host outside the guests' vCPUs (Domain-0's CPU(sec)), in nanoseconds.</summary>
    public required long Dom0CpuNs { get; init; }
    public required long Dom0MemoryKb { get; init; }
}

/// <summary>One domain's row of xentop.</summary>
public sealed record DomainStatistics
{
    public required int Domid { get; init; }
    public required string Name { get; init; }
    /// <summary>xentop's six state letters in its order: d s b c p r ('-' where not set).</summary>
    public required string State { get; init; }
    /// <summary>CPU time of the vCPUs in nanoseconds.</summary>
    public required long CpuNs { get; init; }
    public required long MemoryKb { get; init; }
    public required long MaxMemoryKb { get; init; }
    /// <summary>Online vCPUs (the vCPU list below holds each with its time).</summary>
    public required int Vcpus { get; init; }
    public required IReadOnlyList<VcpuStatistics> VcpuTimes { get; init; }
    public required IReadOnlyList<NetworkStatistics> Networks { get; init; }
    public required IReadOnlyList<BlockStatistics> Blocks { get; init; }
    /// <summary>False when QEMU missed the statistics deadline (or is marked not responding): block figures unknown.</summary>
    public required bool Responding { get; init; }
}

public sealed record VcpuStatistics
{
    public required int Vcpu { get; init; }
    public required long CpuNs { get; init; }
}

/// <summary>One vif's counters, as the host sees its tap (RX = what the guest received).</summary>
public sealed record NetworkStatistics
{
    public required string Interface { get; init; }
    public required long RxBytes { get; init; }
    public required long RxPackets { get; init; }
    public required long RxErrors { get; init; }
    public required long RxDrops { get; init; }
    public required long TxBytes { get; init; }
    public required long TxPackets { get; init; }
    public required long TxErrors { get; init; }
    public required long TxDrops { get; init; }
}

/// <summary>One disk's counters from QMP query-blockstats; <see cref="Error"/> when they could not be read.</summary>
public sealed record BlockStatistics
{
    /// <summary>The vdev (xvda, hdc ...).</summary>
    public required string Device { get; init; }
    /// <summary>Xen's device number of the vdev (xentop -x prints it).</summary>
    public required int Devid { get; init; }
    public required bool Error { get; init; }
    public long OoRequests { get; init; }
    public long ReadRequests { get; init; }
    public long WriteRequests { get; init; }
    public long ReadSectors { get; init; }
    public long WriteSectors { get; init; }
}
