using System.Diagnostics;

namespace Xeno.Panel.Bench.Consoles;

/// <summary>
/// Every byte one console viewer received, each chunk stamped (Stopwatch ticks) by the reader
/// as it arrived, so a measurement charges the arrival and not the waiter's wake-up.
/// </summary>
internal sealed class ByteLog
{
    private readonly Lock _gate = new();
    private readonly List<byte> _bytes = [];
    private readonly List<(int End, long Ticks)> _chunks = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Length
    {
        get { lock (_gate) return _bytes.Count; }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        long now = Stopwatch.GetTimestamp();
        TaskCompletionSource changed;
        lock (_gate)
        {
            _bytes.AddRange(data);
            _chunks.Add((_bytes.Count, now));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    public byte[] Snapshot()
    {
        lock (_gate) return [.. _bytes];
    }

    /// <summary>Returns once nothing has arrived for <paramref name="quiet"/>.</summary>
    public async Task WaitQuietAsync(TimeSpan quiet)
    {
        int before;
        do
        {
            before = Length;
            await Task.Delay(quiet);
        }
        while (Length != before);
    }

    /// <summary>When the byte at <paramref name="offset"/> arrived.</summary>
    public long ArrivalOf(int offset)
    {
        lock (_gate)
        {
            foreach (var (end, ticks) in _chunks)
                if (offset < end) return ticks;
        }
        throw new ArgumentOutOfRangeException(nameof(offset), "no such byte yet");
    }

    /// <summary>Waits until <paramref name="find"/> finds something in the log; returns its offset.</summary>
    public async Task<int> WaitForAsync(Func<List<byte>, int> find, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                int at = find(_bytes);
                if (at >= 0) return at;
                changed = _changed.Task;
            }
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
        }
    }

    /// <summary>The arrival time of the first <paramref name="value"/> at or after <paramref name="from"/>.</summary>
    public async Task<long> ArrivalOfByteAsync(int from, byte value, TimeSpan timeout)
    {
        int at = await WaitForAsync(b => b.IndexOf(value, from), timeout, $"byte 0x{value:x2}");
        return ArrivalOf(at);
    }
}
