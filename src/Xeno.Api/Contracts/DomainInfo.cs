using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>Xen's guest types.</summary>
public enum DomainType
{
    [JsonStringEnumMemberName("pv")] Pv,
    [JsonStringEnumMemberName("pvh")] Pvh,
    [JsonStringEnumMemberName("hvm")] Hvm,
}

/// <summary>Which console a domain has (xl console -t).</summary>
public enum ConsoleKind
{
    [JsonStringEnumMemberName("pv")] Pv,
    [JsonStringEnumMemberName("serial")] Serial,
}

/// <summary>One domain as GET /v1/domains and /v1/domains/{dom} answer it.</summary>
public sealed record DomainInfo
{
    public required int Domid { get; init; }
    public required string Name { get; init; }
    public required Guid Uuid { get; init; }
    public required DomainType Type { get; init; }
    /// <summary>xl list's six letters r b p s &lt;reason&gt; d.</summary>
    public required string State { get; init; }
    /// <summary>
    /// creating, running, shutdown, dying, … A string, not an enum: the engine gains phases
    /// (saving, migrating) and an older client must still read a domain in a newer one.
    /// </summary>
    public required string Phase { get; init; }
    public required bool Paused { get; init; }
    /// <summary>False while the domain's QEMU misses its QMP deadlines (its requests fail with not_responding).</summary>
    public required bool Responding { get; init; }
    /// <summary>libxl's shutdown reason code while shut down and kept (0 poweroff, 1 reboot, 3 crash …), else null.</summary>
    public int? ShutdownReason { get; init; }
    /// <summary>The balloon target in whole MiB (xl list's Mem).</summary>
    public required long MemoryMib { get; init; }
    public required long MaxmemMib { get; init; }
    public required long TargetKb { get; init; }
    public required long MaxmemKb { get; init; }
    public required int Vcpus { get; init; }
    public required int Maxvcpus { get; init; }
    /// <summary>Seconds, the sum of QEMU's vCPU threads.</summary>
    public required double CpuTime { get; init; }
    /// <summary>Unix seconds.</summary>
    public required double StartTime { get; init; }
    public int? QemuPid { get; init; }
    public required ConsoleInfo Console { get; init; }
    /// <summary>The online vCPUs.</summary>
    public required IReadOnlyList<VcpuInfo> VcpuList { get; init; }
    /// <summary>The domain JSON (docs/domain-json.md, what `xl -N create` prints) with the current name.</summary>
    public required JsonElement Config { get; init; }
}

/// <summary>Where a domain's console is served and logged.</summary>
public sealed record ConsoleInfo
{
    public required ConsoleKind Kind { get; init; }
    /// <summary>xenod's console hub socket: raw bytes both ways.</summary>
    public required string Socket { get; init; }
    /// <summary>The console log QEMU writes.</summary>
    public required string Log { get; init; }
}

/// <summary>One online vCPU (xl vcpu-list).</summary>
public sealed record VcpuInfo
{
    public required int Vcpu { get; init; }
    /// <summary>The host CPU it last ran on.</summary>
    public required int Cpu { get; init; }
    public required bool Running { get; init; }
    public required double CpuTime { get; init; }
    /// <summary>The hard affinity as xl prints bitmaps: "all", "none", "0-3,6".</summary>
    public required string Affinity { get; init; }
    public required string SoftAffinity { get; init; }
}

/// <summary>GET /v1/domains/{dom}/console: the console's recent output, decoded as UTF-8.</summary>
public sealed record ConsoleOutput
{
    public required string Output { get; init; }
}
