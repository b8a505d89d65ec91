using System.Collections.Concurrent;

namespace Xeno.Panel.Vms;

/// <summary>
/// The VMs whose panel autoinstall is being followed right now (<see cref="VmInstallService"/>):
/// xenod is writing their disk, so they must not be deleted or started meanwhile.
/// </summary>
public sealed class VmInstalls
{
    private readonly ConcurrentDictionary<long, string> _running = new();

    public void Begin(long vmId, string operationId) => _running[vmId] = operationId;

    public void End(long vmId) => _running.TryRemove(vmId, out _);

    public bool IsRunning(long vmId) => _running.ContainsKey(vmId);
}
