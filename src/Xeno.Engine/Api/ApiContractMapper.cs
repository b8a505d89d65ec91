using System.Text.Json;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Consoles;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Api;

/// <summary>The one place where the engine's types become the API's contract types (docs/api.md).</summary>
internal static class ApiContractMapper
{
    public static DomainInfo Domain(DomainSnapshot s) => new()
    {
        Domid = s.Domid,
        Name = s.Name,
        Uuid = s.Spec.Uuid,
        Type = Type(s.Spec.Kind),
        State = s.StateLetters,
        Phase = Phase(s.Phase),
        Paused = s.Paused,
        Responding = s.Responding,
        ShutdownReason = s.Reason is { } r ? (int)r : null,
        // xl list's Mem: the balloon target, in whole MiB as xl divides KiB by 1024.
        MemoryMib = s.TargetKb / 1024,
        MaxmemMib = s.MaxMemKb / 1024,
        TargetKb = s.TargetKb,
        MaxmemKb = s.MaxMemKb,
        // Online vCPUs (xl list), which vcpu-set changes; the config's count while no QEMU runs.
        Vcpus = s.Vcpus.Count > 0 ? s.Vcpus.Count : s.Spec.Vcpus,
        Maxvcpus = s.Spec.MaxVcpus,
        CpuTime = s.CpuTime.TotalSeconds,
        StartTime = s.StartTime.ToUnixTimeMilliseconds() / 1000.0,
        QemuPid = s.QemuPid,
        Console = new ConsoleInfo
        {
            Kind = s.Spec.Kind == DomainKind.Hvm ? ConsoleKind.Serial : ConsoleKind.Pv,
            // xenod's console hub (any number of clients), not QEMU's one-client chardev.
            Socket = ConsoleHub.SocketFor(s.Files),
            Log = s.Files.ConsoleLog,
        },
        VcpuList = [.. s.Vcpus.Select(v => new Xeno.Api.Contracts.VcpuInfo
        {
            Vcpu = v.Index,
            Cpu = v.HostCpu,
            Running = v.Running,
            CpuTime = v.CpuTime.TotalSeconds,
            Affinity = VcpuAffinities.Format(v.Hard, DomainEngine.HostCpus),
            SoftAffinity = VcpuAffinities.Format(v.Soft, DomainEngine.HostCpus),
        })],
        Config = DomainConfigJson.Of(s.Spec, s.Name),
    };

    public static DomainType Type(DomainKind kind) => kind switch
    {
        DomainKind.Pv => DomainType.Pv,
        DomainKind.Pvh => DomainType.Pvh,
        _ => DomainType.Hvm,
    };

    /// <summary>The phase's wire name: snake_case of the engine's phase (creating, running, migrating_out …).</summary>
    public static string Phase(DomainPhase phase) => JsonNamingPolicy.SnakeCaseLower.ConvertName(phase.ToString());

    /// <summary>A console's recent output as text (invalid UTF-8, e.g. a cut multibyte character, becomes U+FFFD).</summary>
    public static ConsoleOutput ConsoleOutput(byte[] recent) => new() { Output = System.Text.Encoding.UTF8.GetString(recent) };

    /// <summary>
    /// The engine's error kinds on the wire. Every engine kind has an API kind of the same name
    /// (ApiContractTests checks it), so a new engine kind cannot silently become "failed".
    /// </summary>
    public static ApiErrorKind ErrorKind(EngineErrorKind kind) => kind switch
    {
        EngineErrorKind.Invalid => ApiErrorKind.Invalid,
        EngineErrorKind.NotFound => ApiErrorKind.NotFound,
        EngineErrorKind.Conflict => ApiErrorKind.Conflict,
        EngineErrorKind.NoParavirt => ApiErrorKind.NoParavirt,
        EngineErrorKind.NotResponding => ApiErrorKind.NotResponding,
        _ => ApiErrorKind.Failed,
    };

    public static ShutdownMethod Method(string method) => method switch
    {
        "agent" => ShutdownMethod.Agent,
        "acpi" => ShutdownMethod.Acpi,
        _ => throw new InvalidOperationException($"the engine answered an unknown shutdown method '{method}'"),
    };
}
