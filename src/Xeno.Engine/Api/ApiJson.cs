using System.Globalization;
using System.Text.Json.Nodes;
using Xeno.Config.Domain;
using Xeno.Engine.Consoles;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>The JSON shapes of the API (docs/api.md), built by hand so field names are explicit.</summary>
internal static class ApiJson
{
    public static JsonObject Domain(DomainSnapshot s) => new()
    {
        ["domid"] = s.Domid,
        ["name"] = s.Name,
        ["uuid"] = s.Spec.Uuid.ToString("D"),
        ["type"] = s.Spec.Kind.ToXenName(),
        ["state"] = s.StateLetters,
        ["phase"] = s.Phase.ToString().ToLowerInvariant(),
        ["paused"] = s.Paused,
        ["shutdown_reason"] = s.Reason is { } r ? (int)r : null,
        // xl list's Mem: the balloon target, in whole MiB as xl divides KiB by 1024.
        ["memory_mib"] = s.TargetKb / 1024,
        ["maxmem_mib"] = s.MaxMemKb / 1024,
        ["target_kb"] = s.TargetKb,
        ["maxmem_kb"] = s.MaxMemKb,
        ["vcpus"] = s.Spec.Vcpus,
        ["maxvcpus"] = s.Spec.MaxVcpus,
        ["cpu_time"] = s.CpuTime.TotalSeconds,
        ["start_time"] = s.StartTime.ToUnixTimeMilliseconds() / 1000.0,
        ["qemu_pid"] = s.QemuPid,
        ["console"] = new JsonObject
        {
            ["kind"] = s.Spec.Kind == DomainKind.Hvm ? "serial" : "pv",
            // xenod's console hub (any number of clients), not QEMU's one-client chardev.
            ["socket"] = ConsoleHub.SocketFor(s.Files),
            ["log"] = s.Files.ConsoleLog,
        },
        ["vcpu_list"] = new JsonArray(s.Vcpus.Select(v => (JsonNode)new JsonObject
        {
            ["vcpu"] = v.Index,
            ["cpu"] = v.HostCpu,
            ["running"] = v.Running,
            ["cpu_time"] = v.CpuTime.TotalSeconds,
            ["affinity"] = VcpuAffinities.Format(v.Hard, DomainEngine.HostCpus),
            ["soft_affinity"] = VcpuAffinities.Format(v.Soft, DomainEngine.HostCpus),
        }).ToArray()),
        ["config"] = JsonNode.Parse(DomainSpecJson.Write(s.Spec with { Name = s.Name })),
    };

    /// <summary>A console's recent output as text (invalid UTF-8, e.g. a cut multibyte character, becomes U+FFFD).</summary>
    public static JsonObject ConsoleOutput(byte[] recent) => new()
    {
        ["output"] = System.Text.Encoding.UTF8.GetString(recent),
    };

    public static JsonObject Error(EngineException e) => new()
    {
        ["error"] = e.Message,
        ["kind"] = e.Kind.ToString().ToLowerInvariant(),
    };

    public static int Status(EngineErrorKind kind) => kind switch
    {
        EngineErrorKind.Invalid => 400,
        EngineErrorKind.NotFound => 404,
        EngineErrorKind.Conflict or EngineErrorKind.NoParavirt => 409,
        _ => 500,
    };

    public static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
