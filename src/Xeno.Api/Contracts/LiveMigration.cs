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
    /// <summary>Absolute path of the unix socket xl listens on (QEMU connects to it); or <see cref="FdToken"/>.</summary>
    public string? SocketPath { get; init; }
    /// <summary>The token of the channel xl handed to xenod's descriptor inbox: QEMU writes the stream straight into it.</summary>
    public string? FdToken { get; init; }
    /// <summary>xl migrate --copy-storage: xl's socket relaying NBD to the target; the local disks are mirrored there first.</summary>
    public string? NbdSocketPath { get; init; }
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
    /// <summary>Absolute path where QEMU listens (migrate-incoming unix:); xl connects to it. Or <see cref="FdToken"/>.</summary>
    public string? SocketPath { get; init; }
    /// <summary>The token of the channel xl handed to xenod's descriptor inbox: QEMU reads the stream straight from it.</summary>
    public string? FdToken { get; init; }
    /// <summary>With --copy-storage (the state lists copied disks): where the incoming QEMU's NBD server appears, every disk exported.</summary>
    public string? NbdSocketPath { get; init; }
}

/// <summary>GET /v1/domains/{dom}/migrate/progress: QEMU's query-migrate while it sends (xl's progress line).</summary>
public sealed record MigrationProgress
{
    /// <summary>QEMU's status: "none", "setup", "active", "device", "completed", "failed", …</summary>
    public required string Status { get; init; }
    public long TransferredBytes { get; init; }
    public long RemainingBytes { get; init; }
    public long TotalBytes { get; init; }
    /// <summary>Pages the guest dirties per second (measured by QEMU each pass).</summary>
    public long DirtyPagesRate { get; init; }
    public double Mbps { get; init; }
    /// <summary>Dirty-bitmap syncs so far: the pre-copy pass QEMU is in.</summary>
    public long Iteration { get; init; }
    public long ExpectedDowntimeMs { get; init; }
}
