namespace Xeno.Store.Server;

/// <summary>Where the server listens and keeps its state.</summary>
public sealed class XenStoreServerOptions
{
    /// <summary>The main socket; connections there act as dom0.</summary>
    public required string SocketPath { get; init; }

    /// <summary>Directory for the snapshot and journal; null keeps the store in memory only.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Directory for per-domain sockets (domain-&lt;id&gt;.sock); null: no per-domain sockets.</summary>
    public string? DomainSocketDirectory { get; init; }

    /// <summary>fsync each journal record too (survives power loss, not only a daemon crash).</summary>
    public bool SyncToDisk { get; init; }

    /// <summary>Journal size that triggers compaction into a new snapshot.</summary>
    public long CompactionThreshold { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Unsent replies and events above which a client that does not read is disconnected
    /// (nothing is ever dropped from a live connection).
    /// </summary>
    public long MaxQueuedBytesPerClient { get; init; } = 64L * 1024 * 1024;

    public string DomainSocketPath(uint domainId) =>
        Path.Combine(DomainSocketDirectory ?? throw new InvalidOperationException("no domain socket directory configured"), $"domain-{domainId}.sock");
}
