namespace Xeno.Engine.Domains;

/// <summary>What went wrong, as the API reports it (the HTTP status follows from the kind).</summary>
public enum EngineErrorKind
{
    /// <summary>The request is wrong (bad config, unsupported feature): 400.</summary>
    Invalid,
    /// <summary>No such domain: 404.</summary>
    NotFound,
    /// <summary>The request clashes with the current state (name taken, disk in use): 409.</summary>
    Conflict,
    /// <summary>The guest has no PV control interface (no guest agent): 409, xl maps it to ERROR_NOPARAVIRT.</summary>
    NoParavirt,
    /// <summary>QEMU or the host failed: 500.</summary>
    Failed,
    /// <summary>The domain's QEMU did not answer within its deadline (stopped or hung): 500.</summary>
    NotResponding,
}

/// <summary>A typed engine error; <see cref="Exception.Message"/> is the text xl prints.</summary>
public sealed class EngineException(EngineErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public EngineErrorKind Kind { get; } = kind;
}
