using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

// Requests refuse fields they do not know (a typo must not be ignored silently); answers
// accept them, so an older client reads a newer xenod.

/// <summary>POST /v1/domains.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateDomainRequest
{
    /// <summary>The domain JSON exactly as `xl -N create` prints it (docs/domain-json.md).</summary>
    public required JsonElement Spec { get; init; }
    /// <summary>Leave the vCPUs paused once QEMU runs (xl create -p).</summary>
    public bool Paused { get; init; }
    /// <summary>
    /// The VNC password, which the spec never carries (only vnc.password_set); required when
    /// password_set is true so a display meant to be locked never starts open.
    /// </summary>
    public string? VncPassword { get; init; }
}

/// <summary>201 answer of POST /v1/domains, once QEMU runs.</summary>
public sealed record CreateDomainResponse
{
    public required int Domid { get; init; }
}

/// <summary>POST /v1/domains/{dom}/rename.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RenameDomainRequest
{
    public required string Name { get; init; }
}

/// <summary>POST /v1/domains/{dom}/memory/target (xl mem-set).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MemoryTargetRequest
{
    public required long TargetKb { get; init; }
}

/// <summary>POST /v1/domains/{dom}/memory/max (xl mem-max).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MemoryMaxRequest
{
    public required long MaxKb { get; init; }
}

/// <summary>POST /v1/domains/{dom}/vcpus/pin (xl vcpu-pin).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record VcpuPinRequest
{
    /// <summary>The vCPU, or null for all of them.</summary>
    public int? Vcpu { get; init; }
    /// <summary>Host CPU numbers of the hard affinity; null leaves it unchanged.</summary>
    public IReadOnlyList<int>? Hard { get; init; }
    /// <summary>Host CPU numbers of the soft affinity; null leaves it unchanged.</summary>
    public IReadOnlyList<int>? Soft { get; init; }
}

/// <summary>POST /v1/domains/{dom}/shutdown and /reboot.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ShutdownRequest
{
    /// <summary>Without a guest agent, press the ACPI power button (or reset) instead of failing no_paravirt.</summary>
    public bool AcpiFallback { get; init; }
}

/// <summary>How the guest was asked to shut down or reboot.</summary>
public enum ShutdownMethod
{
    /// <summary>Through the QEMU guest agent (the PV control interface).</summary>
    [JsonStringEnumMemberName("agent")] Agent,
    /// <summary>ACPI power button (system_powerdown) or reset (system_reset).</summary>
    [JsonStringEnumMemberName("acpi")] Acpi,
}

public sealed record ShutdownResponse
{
    public required ShutdownMethod Method { get; init; }
}

/// <summary>The answer of requests that only succeed or fail: {}.</summary>
public sealed record EmptyResponse
{
    public static readonly EmptyResponse Instance = new();
}
