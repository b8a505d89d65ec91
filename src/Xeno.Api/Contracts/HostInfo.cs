namespace Xeno.Api.Contracts;

/// <summary>GET /v1/host: this host's facts for `xl info` and the Domain-0 rows of xl.</summary>
public sealed record HostInfo
{
    public required string Host { get; init; }
    public required string Release { get; init; }
    public required string Version { get; init; }
    public required string Machine { get; init; }
    /// <summary>Online host CPUs.</summary>
    public required int NrCpus { get; init; }
    public required int MaxCpuId { get; init; }
    public required int NrNodes { get; init; }
    public required int CoresPerSocket { get; init; }
    public required int ThreadsPerCore { get; init; }
    public required int Sockets { get; init; }
    /// <summary>The first "cpu MHz" of /proc/cpuinfo in kHz, exact (0: unknown).</summary>
    public required long CpuKhz { get; init; }
    /// <summary>Xen's eight hw_caps words (CPUID feature words, Xen's order).</summary>
    public required IReadOnlyList<uint> HwCaps { get; init; }
    /// <summary>Xen's words for what guests can run: pv, hvm, then hap (KVM) or shadow (TCG).</summary>
    public required IReadOnlyList<string> VirtCaps { get; init; }
    /// <summary>The scheduler Xeno stands for: "credit".</summary>
    public required string XenScheduler { get; init; }
    public required long TotalMemoryMib { get; init; }
    /// <summary>Memory left for guests (total = free + Domain-0 + Σ guests).</summary>
    public required long FreeMemoryMib { get; init; }
    /// <summary>The host's own use: Domain-0's memory in xl list.</summary>
    public required long Dom0MemoryMib { get; init; }
    public required IReadOnlyList<HostCpuInfo> CpuTopology { get; init; }
    public required IReadOnlyList<HostNumaNode> NumaInfo { get; init; }
    /// <summary>PCI devices with a NUMA node.</summary>
    public required IReadOnlyList<HostPciDevice> PciTopology { get; init; }
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

/// <summary>Where one host CPU sits (xl info -n's cpu_topology).</summary>
public sealed record HostCpuInfo
{
    public required int Cpu { get; init; }
    public required int Core { get; init; }
    public required int Socket { get; init; }
    public required int Node { get; init; }
}

/// <summary>One NUMA node (xl info -n's numa_info).</summary>
public sealed record HostNumaNode
{
    public required int Node { get; init; }
    public required long MemsizeMib { get; init; }
    public required long MemfreeMib { get; init; }
    /// <summary>The distance to each node, by node number.</summary>
    public required IReadOnlyList<int> Distances { get; init; }
}

/// <summary>A PCI device's NUMA node (xl info -n's device topology).</summary>
public sealed record HostPciDevice
{
    /// <summary>The PCI address, e.g. 0000:00:1f.2.</summary>
    public required string Device { get; init; }
    public required int Node { get; init; }
}

/// <summary>GET /v1/log and POST /v1/log/clear: xenod's recent log lines (xl dmesg).</summary>
public sealed record LogResponse
{
    public required IReadOnlyList<string> Lines { get; init; }
}
