using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Config.Install;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Vms;

/// <summary>
/// Deleting a VM, from its info page or the SSH menu: the owner types its name to confirm; a running VM is forced
/// off through xenod first; then the record goes (which frees its quota: usage is summed from the
/// records), and with it the disks the panel made in its own storage folder (and the backups a
/// type switch's conversion left beside them). Refused while an
/// autoinstall writes its disk. One audit entry (vm.delete) with the result. Callers have already
/// checked access to the VM (its owner, its administrators, admins).
/// </summary>
public sealed class VmDeleteService(VmRecords vms, VmDiskRecords extraDisks, DiskStore disks, VmInstallRecords installs,
    XenodClients xenod, AuditLog audit)
{
    public const string Action = "vm.delete";

    // One delete at a time: two confirmations of the same VM must not both destroy and remove.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<VmOutcome> DeleteAsync(PanelUser user, PanelVm vm, string? confirm, string? remote, CancellationToken cancel)
    {
        if (!string.Equals((confirm ?? "").Trim(), vm.Name, StringComparison.Ordinal))
            return Refuse(user, vm, remote, $"Delete: type the VM's name, {vm.Name}, to confirm.");
        await _gate.WaitAsync(cancel);
        try
        {
            if (vms.Get(vm.Id) is null)
                return Refuse(user, vm, remote, $"Delete: {vm.Name} was already deleted.");
            if (installs.IsRunning(vm.Id))
                return Refuse(user, vm, remote, Installing(vm));
            var client = xenod.For(vm.HostId);
            string forced = "";
            try
            {
                var domains = await client.ListDomainsAsync(cancel);
                // An install the panel no longer follows (it gave up waiting, or xenod forgot it) may still write the disk.
                if (domains.Any(d => d.Name == InstallConfigs.HelperName(vm.Name)))
                    return Refuse(user, vm, remote, Installing(vm));
                if (domains.FirstOrDefault(d => d.Name == vm.Name) is { } domain)
                {
                    await client.DestroyAsync(vm.Name, cancel);
                    forced = $" Forced it off first (domain {domain.Domid}).";
                }
            }
            catch (XenodException e) when (e.Kind != ApiErrorKind.NotFound)
            {
                // Without xenod the panel cannot know the VM is off: its disk may be in use.
                return Refuse(user, vm, remote, $"xenod: {e.Message} {vm.Name} was not deleted.");
            }
            catch (XenodException)
            {
                // It stopped between the list and the destroy: off, as wanted.
            }
            var files = extraDisks.Of(vm.Id).Select(d => d.Path).Prepend(vm.DiskPath)
                // Only what the panel made itself in its storage folder, never a path from elsewhere.
                .Where(p => disks.Owns(p)).ToList();
            var backups = disks.ConversionBackups(vm.DiskPath);
            vms.Remove(vm.Id);
            var kept = new List<string>();
            foreach (var backup in backups)
            {
                try
                {
                    Directory.Delete(backup, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    kept.Add($"{Path.GetFileName(backup)} ({e.Message})");
                }
            }
            foreach (var file in files)
            {
                try
                {
                    disks.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    kept.Add($"{Path.GetFileName(file)} ({e.Message})");
                }
            }
            var message = $"Deleted {vm.Name} and its {files.Count} disk{(files.Count == 1 ? "" : "s")}.{forced}";
            if (kept.Count > 0)
                message += $" The storage folder still holds {string.Join(", ", kept)}; ask an administrator to remove it.";
            audit.Write(user.Name, Action, vm.Name, remote, "ok", message);
            return new VmOutcome(true, message, vm);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Installing(PanelVm vm) =>
        $"Delete: Debian is still being installed on {vm.Name}'s disk; wait until the install ends (a few minutes), then delete it.";

    private VmOutcome Refuse(PanelUser user, PanelVm vm, string? remote, string message)
    {
        audit.Write(user.Name, Action, vm.Name, remote, "refused", message);
        return new VmOutcome(false, message, vm);
    }
}
