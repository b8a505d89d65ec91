using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Processes;

/// <summary>A started (or adopted) QEMU together with its QMP connection.</summary>
public sealed class QemuInstance(QemuProcess process, QmpClient qmp) : IAsyncDisposable
{
    public QemuProcess Process { get; } = process;
    public QmpClient Qmp { get; } = qmp;

    /// <summary>Closes our QMP connection only; QEMU keeps running (it is not ours to stop here).</summary>
    public ValueTask DisposeAsync() => Qmp.DisposeAsync();
}
