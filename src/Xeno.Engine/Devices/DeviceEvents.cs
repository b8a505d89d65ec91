using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Devices;

/// <summary>
/// QMP events a device change waits for (DEVICE_DELETED after device_del). The domain's QMP
/// monitor (DomainLifecycle) is the only reader of QEMU's event stream and hands each event
/// here; a waiter registers before it sends its command, so the event cannot slip past.
/// </summary>
internal sealed class DeviceEvents
{
    private readonly Lock _gate = new();
    private readonly List<(Func<QmpEvent, bool> Match, TaskCompletionSource Done)> _waiters = [];

    /// <summary>A task that completes at the first event <paramref name="match"/> accepts; dispose the registration when done.</summary>
    public Registration Expect(Func<QmpEvent, bool> match)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = (match, done);
        lock (_gate)
            _waiters.Add(entry);
        return new Registration(done.Task, () =>
        {
            lock (_gate)
                _waiters.Remove(entry);
        });
    }

    /// <summary>Called by the monitor for every QMP event of the domain's QEMU.</summary>
    public void Observe(QmpEvent ev)
    {
        List<TaskCompletionSource> fired = [];
        lock (_gate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (!_waiters[i].Match(ev)) continue;
                fired.Add(_waiters[i].Done);
                _waiters.RemoveAt(i);
            }
        }
        foreach (var f in fired)
            f.TrySetResult();
    }

    public sealed class Registration(Task happened, Action cancel) : IDisposable
    {
        public Task Happened { get; } = happened;

        public void Dispose() => cancel();
    }
}
