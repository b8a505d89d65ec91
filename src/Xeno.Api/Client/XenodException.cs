using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>An error answer from xenod (or no xenod at all); <see cref="Exception.Message"/> is printable as is.</summary>
public sealed class XenodException(ApiErrorKind kind, string message, int status, Exception? inner = null) : Exception(message, inner)
{
    public ApiErrorKind Kind { get; } = kind;
    /// <summary>The HTTP status (0 when xenod could not be reached).</summary>
    public int Status { get; } = status;
}
