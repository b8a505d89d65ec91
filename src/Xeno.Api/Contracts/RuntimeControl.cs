using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>POST /v1/domains/{dom}/vcpus/set (xl vcpu-set): the number of online vCPUs.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record VcpuSetRequest
{
    public required int Count { get; init; }
}

/// <summary>POST /v1/domains/{dom}/trigger (xl trigger).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TriggerRequest
{
    /// <summary>nmi, reset, init, power, sleep or s3resume, as xl spells them.</summary>
    public required string Trigger { get; init; }
    /// <summary>The vCPU named on xl's command line (nmi goes to every vCPU under QEMU).</summary>
    public int Vcpu { get; init; }
}

/// <summary>POST /v1/domains/{dom}/sysrq (xl sysrq).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SysrqRequest
{
    /// <summary>One character, the SysRq command key.</summary>
    public required string Key { get; init; }
}

/// <summary>POST /v1/domains/{dom}/dump-core (xl dump-core): an ELF core of guest memory.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DumpCoreRequest
{
    /// <summary>Absolute path on the host (xl makes the user's path absolute).</summary>
    public required string Path { get; init; }
}
