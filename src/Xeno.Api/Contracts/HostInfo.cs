namespace Xeno.Api.Contracts;

/// <summary>GET /v1/host: this host's facts for `xl info` and the Domain-0 rows of xl.</summary>
public sealed record HostInfo
{
    public required string Host { get; init; }
    public required string Release { get; init; }
    public required string Version { get; init; }
    public required string Machine { get; init; }
    public required int NrCpus { get; init; }
    public required double CpuMhz { get; init; }
    public required long TotalMemoryMib { get; init; }
    public required long FreeMemoryMib { get; init; }
    /// <summary>user + nice + system seconds of all host CPUs (Domain-0's time).</summary>
    public required double HostCpuSeconds { get; init; }
    /// <summary>The same per host CPU: Domain-0's vCPU times.</summary>
    public required IReadOnlyList<double> CpuSeconds { get; init; }
    /// <summary>QEMU's accelerator: kvm or tcg.</summary>
    public required string Accelerator { get; init; }
    public required double UptimeSeconds { get; init; }
    /// <summary>When xenod started, unix seconds.</summary>
    public required double DaemonStart { get; init; }
    public required string XenoVersion { get; init; }
}

/// <summary>GET /v1/log: xenod's recent log lines (xl dmesg).</summary>
public sealed record LogResponse
{
    public required IReadOnlyList<string> Lines { get; init; }
}
