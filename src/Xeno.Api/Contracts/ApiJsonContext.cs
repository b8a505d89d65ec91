using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>
/// Source-generated JSON for every contract type (snake_case names, enums as snake_case
/// strings, nulls left out). Add each new request/response type here.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(DomainEvent))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
