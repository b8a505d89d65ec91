using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>
/// Source-generated JSON for every contract type (snake_case names, enums as strings, nulls
/// left out). Enum wire names are spelled out with [JsonStringEnumMemberName] on each member:
/// the string enum converter does not apply the property naming policy. Add each new
/// request/response type here (ApiContractTests checks the wire names).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    // Untrusted bodies: a deep nesting is refused early.
    MaxDepth = 32)]
[JsonSerializable(typeof(DomainEvent))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(DomainInfo))]
[JsonSerializable(typeof(IReadOnlyList<DomainInfo>))]
[JsonSerializable(typeof(ConsoleOutput))]
[JsonSerializable(typeof(CreateDomainRequest))]
[JsonSerializable(typeof(CreateDomainResponse))]
[JsonSerializable(typeof(RenameDomainRequest))]
[JsonSerializable(typeof(MemoryTargetRequest))]
[JsonSerializable(typeof(MemoryMaxRequest))]
[JsonSerializable(typeof(VcpuPinRequest))]
[JsonSerializable(typeof(ShutdownRequest))]
[JsonSerializable(typeof(ShutdownResponse))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(HostInfo))]
[JsonSerializable(typeof(LogResponse))]
[JsonSerializable(typeof(BlockAttachRequest))]
[JsonSerializable(typeof(BlockDetachRequest))]
[JsonSerializable(typeof(BlockDeviceList))]
[JsonSerializable(typeof(CdInsertRequest))]
[JsonSerializable(typeof(CdEjectRequest))]
[JsonSerializable(typeof(StatisticsResponse))]
[JsonSerializable(typeof(VcpuSetRequest))]
[JsonSerializable(typeof(TriggerRequest))]
[JsonSerializable(typeof(SysrqRequest))]
[JsonSerializable(typeof(DumpCoreRequest))]
[JsonSerializable(typeof(SaveDomainRequest))]
[JsonSerializable(typeof(SaveDomainResponse))]
[JsonSerializable(typeof(RestoreDomainRequest))]
[JsonSerializable(typeof(MigrationDescription))]
[JsonSerializable(typeof(MigrationSendRequest))]
[JsonSerializable(typeof(MigrationSendResponse))]
[JsonSerializable(typeof(MigrationReceiveRequest))]
[JsonSerializable(typeof(MigrationProgress))]
[JsonSerializable(typeof(DomainSchedParams))]
[JsonSerializable(typeof(SetDomainSchedRequest))]
[JsonSerializable(typeof(SchedulerInfo))]
[JsonSerializable(typeof(SetSchedulerRequest))]
[JsonSerializable(typeof(IReadOnlyList<NicInfo>))]
[JsonSerializable(typeof(NicAttachRequest))]
[JsonSerializable(typeof(NicDetachRequest))]
[JsonSerializable(typeof(GuestConvertRequest))]
[JsonSerializable(typeof(GuestConvertResponse))]
[JsonSerializable(typeof(GuestConvertOperation))]
[JsonSerializable(typeof(GuestInstallRequest))]
[JsonSerializable(typeof(GuestInstallOperation))]
[JsonSerializable(typeof(ChainloadCdResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
