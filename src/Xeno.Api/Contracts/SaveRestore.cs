using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>POST /v1/domains/{dom}/save (xl save): the domain's state to a file on the host.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SaveDomainRequest
{
    /// <summary>Absolute path on the host (xl makes the user's path absolute).</summary>
    public required string Path { get; init; }
    /// <summary>xl save -c: leave the domain running after the save (a checkpoint).</summary>
    public bool Checkpoint { get; init; }
    /// <summary>xl save -p: leave the domain paused after the save.</summary>
    public bool LeavePaused { get; init; }
    /// <summary>
    /// xl save &lt;Domain&gt; &lt;file&gt; &lt;ConfigFile&gt;: the domain JSON (as `xl -N create` prints it) stored in
    /// the file instead of the running domain's config; null stores the domain's own.
    /// </summary>
    public JsonElement? Spec { get; init; }
    /// <summary>The VNC password of <see cref="Spec"/> (never in the spec's JSON).</summary>
    public string? VncPassword { get; init; }
}

/// <summary>The answer of a save, for xl's "Saving to FILE new xl format (info …)" line.</summary>
public sealed record SaveDomainResponse
{
    /// <summary>The xl header's mandatory flags / optional flags / optional data length: "0x80000001/0x0/1234".</summary>
    public required string Info { get; init; }
}

/// <summary>POST /v1/domains/restore (xl restore): a new domain continuing from a save file.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RestoreDomainRequest
{
    /// <summary>Absolute path of the save file on the host.</summary>
    public required string Path { get; init; }
    /// <summary>xl restore -p: leave the restored domain paused.</summary>
    public bool Paused { get; init; }
    /// <summary>
    /// xl restore &lt;ConfigFile&gt; &lt;file&gt;: the domain JSON (as `xl -N create` prints it) replacing the
    /// config stored in the file; null restores with the stored one. The guest keeps its saved UUID.
    /// </summary>
    public JsonElement? Spec { get; init; }
    /// <summary>The VNC password of <see cref="Spec"/> (never in the spec's JSON).</summary>
    public string? VncPassword { get; init; }
}
