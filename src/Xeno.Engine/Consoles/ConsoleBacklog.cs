using System.Diagnostics.CodeAnalysis;

namespace Xeno.Engine.Consoles;

/// <summary>
/// Output waiting for one console client or viewer: chunks in order, at most a limit of bytes of
/// them. Once closed it holds nothing and takes everything (a closed sink is on its way out, so
/// it must not be dropped again as one fallen behind). Not thread-safe: its owner's lock guards it.
/// </summary>
internal sealed class ConsoleBacklog
{
    private readonly Queue<byte[]> _chunks = new();
    private readonly long _limitBytes;

    public ConsoleBacklog(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        _limitBytes = limitBytes;
    }

    /// <summary>Bytes waiting.</summary>
    public long Bytes { get; private set; }

    public bool IsEmpty => _chunks.Count == 0;

    public bool IsClosed { get; private set; }

    /// <summary>Queues a chunk; false when it would take the backlog past the limit (nothing is queued then).</summary>
    public bool TryAdd(byte[] chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (IsClosed)
            return true;
        if (Bytes + chunk.Length > _limitBytes)
            return false;
        Bytes += chunk.Length;
        _chunks.Enqueue(chunk);
        return true;
    }

    /// <summary>The oldest chunk, left in place (it still counts until taken).</summary>
    public bool TryPeek([NotNullWhen(true)] out byte[]? chunk) => _chunks.TryPeek(out chunk);

    /// <summary>Removes the oldest chunk.</summary>
    public bool TryTake([NotNullWhen(true)] out byte[]? chunk)
    {
        if (!_chunks.TryDequeue(out chunk))
            return false;
        Bytes -= chunk.Length;
        return true;
    }

    /// <summary>Discards what waits and takes everything from now on; false when it was closed already.</summary>
    public bool Close()
    {
        if (IsClosed)
            return false;
        IsClosed = true;
        _chunks.Clear();
        Bytes = 0;
        return true;
    }
}
