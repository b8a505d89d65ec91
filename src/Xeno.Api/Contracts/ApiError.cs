using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>Why a request failed; each kind has one HTTP status (<see cref="ApiErrorKinds.Status"/>).</summary>
public enum ApiErrorKind
{
    /// <summary>The request or the domain config cannot run: 400.</summary>
    [JsonStringEnumMemberName("invalid")] Invalid,
    /// <summary>No such domain (or route): 404.</summary>
    [JsonStringEnumMemberName("not_found")] NotFound,
    /// <summary>The request clashes with the domain's state (name taken, disk in use, not running): 409.</summary>
    [JsonStringEnumMemberName("conflict")] Conflict,
    /// <summary>Shutdown/reboot without a guest agent and without acpi_fallback: 409 (xl: ERROR_NOPARAVIRT).</summary>
    [JsonStringEnumMemberName("no_paravirt")] NoParavirt,
    /// <summary>QEMU or the host failed: 500.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>The domain's QEMU missed its deadline ("QEMU of domain N is not responding"): 504.</summary>
    [JsonStringEnumMemberName("not_responding")] NotResponding,
    /// <summary>Never sent by xenod: the client could not reach it at all (status 0).</summary>
    [JsonStringEnumMemberName("unreachable")] Unreachable,
}

/// <summary>Every failure's body: <see cref="Error"/> is the text xl prints as is.</summary>
public sealed record ApiError
{
    public required string Error { get; init; }
    public required ApiErrorKind Kind { get; init; }
}

public static class ApiErrorKinds
{
    /// <summary>The HTTP status xenod answers with for <paramref name="kind"/>.</summary>
    public static int Status(ApiErrorKind kind) => kind switch
    {
        ApiErrorKind.Invalid => 400,
        ApiErrorKind.NotFound => 404,
        ApiErrorKind.Conflict or ApiErrorKind.NoParavirt => 409,
        ApiErrorKind.NotResponding => 504,
        ApiErrorKind.Unreachable => 0,
        _ => 500,
    };
}
