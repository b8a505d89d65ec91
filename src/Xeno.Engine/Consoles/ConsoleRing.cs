namespace Xeno.Engine.Consoles;

/// <summary>
/// The most recent bytes of a console, bounded: older output is overwritten. Thread-safe;
/// the hub appends from its upstream reader while the API takes snapshots.
/// </summary>
public sealed class ConsoleRing
{
    private readonly byte[] _buffer;
    private readonly Lock _gate = new();
    private long _total;

    public ConsoleRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _buffer = new byte[capacity];
    }

    public int Capacity => _buffer.Length;

    /// <summary>Bytes appended since creation (also those overwritten since).</summary>
    public long TotalWritten
    {
        get
        {
            lock (_gate)
                return _total;
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _total += data.Length;
            // Only the tail can survive a write longer than the ring.
            if (data.Length > _buffer.Length)
                data = data[^_buffer.Length..];
            int at = (int)((_total - data.Length) % _buffer.Length);
            int first = Math.Min(data.Length, _buffer.Length - at);
            data[..first].CopyTo(_buffer.AsSpan(at));
            data[first..].CopyTo(_buffer);
        }
    }

    /// <summary>The kept bytes, oldest first.</summary>
    public byte[] Snapshot()
    {
        lock (_gate)
        {
            int count = (int)Math.Min(_total, _buffer.Length);
            var copy = new byte[count];
            int start = (int)((_total - count) % _buffer.Length);
            int first = Math.Min(count, _buffer.Length - start);
            _buffer.AsSpan(start, first).CopyTo(copy);
            _buffer.AsSpan(0, count - first).CopyTo(copy.AsSpan(first));
            return copy;
        }
    }
}
