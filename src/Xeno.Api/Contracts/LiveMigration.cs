using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>POST /v1/domains/{dom}/migrate/describe: what xl migrate sends ahead of the memory.</summary>
public sealed record MigrationDescription
{
    /// <summary>The domain's config as Xeno's domain JSON (the xl header's config).</summary>
    public required string ConfigJson { get; init; }
    /// <summary>The domain state record (docs/migration.md, record type 1).</summary>
    public required string StateJson { get; init; }
}

/// <summary>POST /v1/domains/{dom}/migrate/send: QEMU sends the live stream to xl's unix socket.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MigrationSendRequest
{
    /// <summary>Absolute path of the unix socket xl listens on (QEMU connects to it).</summary>
    public required string SocketPath { get; init; }
}

/// <summary>QEMU's figures of a completed send (query-migrate), for xl's closing lines.</summary>
public sealed record MigrationSendResponse
{
    public long TotalTimeMs { get; init; }
    public long DowntimeMs { get; init; }
    public long SetupTimeMs { get; init; }
    public long TransferredBytes { get; init; }
    /// <summary>Dirty-bitmap syncs: the pre-copy iterations plus the final one.</summary>
    public long Iterations { get; init; }
}

/// <summary>POST /v1/domains/incoming: a paused domain "&lt;name&gt;--incoming" whose QEMU reads the live stream.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MigrationReceiveRequest
{
    /// <summary>The domain state record the sender sent.</summary>
    public required string StateJson { get; init; }
    /// <summary>Absolute path where QEMU listens (migrate-incoming unix:); xl connects to it.</summary>
    public required string SocketPath { get; init; }
}
