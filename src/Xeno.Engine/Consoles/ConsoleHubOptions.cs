namespace Xeno.Engine.Consoles;

/// <summary>The knobs of every console hub (set from EngineOptions).</summary>
public sealed record ConsoleHubOptions
{
    /// <summary>How much recent output each console keeps in memory.</summary>
    public int RingBytes { get; init; } = 64 * 1024;
    /// <summary>Output queued for one client before that client is dropped as too slow.</summary>
    public long ClientBacklogBytes { get; init; } = 256 * 1024;
    /// <summary>Size above which the console log is rotated (its content moves to name.log.1); 0: never by size.</summary>
    public long LogMaxBytes { get; init; } = 1024 * 1024;
    /// <summary>How many rotated logs to keep (name.log.1 … .N).</summary>
    public int LogGenerations { get; init; } = 10;
    /// <summary>Pause between attempts to (re)connect to QEMU's console socket.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);
}
