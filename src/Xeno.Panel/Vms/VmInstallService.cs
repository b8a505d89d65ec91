using Microsoft.Extensions.Hosting;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Vms;

/// <summary>
/// "Create with an autoinstalled Debian": the quota and name checks of a plain create, then
/// xenod's autoinstaller (POST /v1/guests/install) writes the VM's disk in the panel's storage
/// folder; the VM is recorded only once xenod has accepted the request, so a refusal leaves
/// nothing behind. The install is followed in the background: its end is audited (vm.install)
/// and a finished VM is started. A failed install removes the VM again (record, quota, any
/// disk left), as an order that could not be delivered: the audit entry says why, and the VM
/// list shows it to the owner (<see cref="RecentFailures"/>). While it runs the VM has a row in
/// <see cref="VmInstallRecords"/> (it can be neither started nor deleted), which a restarted panel
/// follows again (<see cref="ResumeAll"/>). The owner never names a path: the disk is the panel's,
/// the base image and helper kernel xenod's.
/// </summary>
public sealed class VmInstallService(VmRecords vms, Users users, Quotas quotas, DiskStore disks, XenodClients xenod, Hosts hosts,
    AuditLog audit, PanelOptions options, VmService service, VmInstallRecords running, IHostApplicationLifetime lifetime, TimeProvider clock)
{
    public const string InstallAction = "vm.install";

    /// <summary>How long the VM list shows an owner a failed install.</summary>
    public static readonly TimeSpan FailureShown = TimeSpan.FromDays(1);

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    /// <summary>How long after its start the panel follows an install (xenod's helper timeout is 20 minutes).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    public async Task<VmOutcome> CreateAsync(PanelUser user, VmCreateRequest request, VmAutoinstall install, string? remote, CancellationToken cancel)
    {
        PanelVm? vm;
        GuestInstallOperation operation;
        var started = clock.GetUtcNow();
        await service.CreateGate.WaitAsync(cancel);
        try
        {
            if (!user.IsAdmin)
            {
                var refusals = QuotaCheck.Refusals(quotas.For(user.Id, options.DefaultQuota), vms.UsageOf(user.Id),
                    request.MemoryMib, request.Vcpus, request.DiskGib);
                if (refusals.Count > 0)
                    return Refuse(user, request.Name, remote, string.Join(" ", refusals));
            }
            if (vms.NameTaken(request.Name))
                return Refuse(user, request.Name, remote, $"Name: a VM called {request.Name} already exists.");
            var path = disks.PathFor(request.Name);
            if (File.Exists(path))
                return Refuse(user, request.Name, remote, $"Name: the storage folder already holds a disk for {request.Name}; ask an administrator.");
            var host = hosts.Get(Hosts.LocalName) ?? throw new InvalidOperationException("the panel database has no local host");
            try
            {
                operation = await xenod.For(host.Id).StartGuestInstallAsync(new GuestInstallRequest
                {
                    Name = request.Name,
                    Type = VmRecords.TypeText(request.Type),
                    Hostname = install.Hostname,
                    SizeBytes = (long)request.DiskGib << 30,
                    AuthorizedKeys = install.AuthorizedKeys,
                    RootPassword = install.RootPassword,
                    MemoryMib = request.MemoryMib,
                    Disk = path,
                }, cancel);
            }
            catch (XenodException e)
            {
                return Refuse(user, request.Name, remote, $"Autoinstall: {e.Message}");
            }
            // The disk brings its own kernel: a pv VM boots it through pygrub.
            vm = vms.Add(request.Name, user.Id, host.Id, request.Type, request.MemoryMib, request.Vcpus, request.DiskGib, path, kernel: null);
            if (vm is null)
                return Refuse(user, request.Name, remote, $"Name: a VM called {request.Name} already exists.");
            running.Begin(vm.Id, operation.Id, user.Id, remote, started);
        }
        finally
        {
            service.CreateGate.Release();
        }
        audit.Write(user.Name, "vm.create", vm.Name, remote, "ok",
            $"{VmRecords.TypeText(vm.Type)} {vm.MemoryMib} MiB {vm.Vcpus} vCPUs {vm.DiskGib} GiB, autoinstall Debian (host name {install.Hostname}, install {operation.Id})");
        _ = Task.Run(() => FollowAsync(user, vm, operation.Id, remote, started));
        return new VmOutcome(true, $"Created {vm.Name}: Debian is being installed on its disk; it starts when the install is done (a few minutes).", vm);
    }

    /// <summary>
    /// At panel start: follows again every install a panel before it was following when it
    /// stopped, each to the same end as if it had never stopped (as its creator, from where they
    /// asked). Answers how many.
    /// </summary>
    public int ResumeAll()
    {
        int resumed = 0;
        foreach (var install in running.All())
        {
            var vm = vms.Get(install.VmId);
            var user = users.Get(install.UserId);
            if (vm is null || user is null)
            {
                running.End(install.VmId); // nothing left to finish (the row would have gone with the VM)
                continue;
            }
            _ = Task.Run(() => FollowAsync(user, vm, install.OperationId, install.Remote, install.Started));
            resumed++;
        }
        return resumed;
    }

    /// <summary>Polls the install until it ends, audits the end, and starts the VM when it succeeded (else removes it).</summary>
    private async Task FollowAsync(PanelUser user, PanelVm vm, string id, string? remote, DateTimeOffset started)
    {
        var stopping = lifetime.ApplicationStopping;
        var client = xenod.For(vm.HostId);
        try
        {
            while (clock.GetUtcNow() - started < Patience)
            {
                await Task.Delay(Poll, stopping);
                GuestInstallOperation operation;
                try
                {
                    operation = await client.GetGuestInstallAsync(id, stopping);
                }
                catch (XenodException e) when (e.Kind is ApiErrorKind.Unreachable or ApiErrorKind.NotResponding)
                {
                    continue; // xenod restarting or busy: ask again
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    continue; // the request timed out, the panel is not stopping: ask again
                }
                catch (XenodException e) when (e.Kind == ApiErrorKind.NotFound)
                {
                    // xenod's installs do not outlive it (nor do it keep finished ones for ever): how it ended is unknown.
                    Fail(user, vm, remote, $"xenod no longer knows the install {id}, so how it ended is unknown (xenod restarted, or forgot it after it ended; xenod says: {e.Message.TrimEnd('.')})", ended: false);
                    return;
                }
                if (operation.State == "running") continue;
                if (operation.Result is null)
                {
                    Fail(user, vm, remote, operation.Error ?? "the install failed", ended: true);
                    return;
                }
                audit.Write(user.Name, InstallAction, vm.Name, remote, "ok",
                    $"Debian installed ({operation.Result.SizeBytes >> 20} MiB, host name {operation.Result.Hostname}) in {operation.Result.Seconds:F0} s");
                running.End(vm.Id);
                await service.PowerAsync(user, vm, PowerAction.Start, remote, stopping);
                return;
            }
            Fail(user, vm, remote, $"the install did not end within {Patience.TotalMinutes:F0} minutes", ended: false);
        }
        catch (OperationCanceledException)
        {
            // The panel is stopping: the install goes on in xenod, and its row stays for the next panel to follow.
        }
        catch (XenodException e)
        {
            Fail(user, vm, remote, $"lost the install's progress: {e.Message}", ended: false);
        }
    }

    /// <summary>
    /// The install did not deliver a system: the VM goes (its record, so its quota), with the disk
    /// when xenod's install has ended (xenod removes a half-made disk itself; this is for one it
    /// left). An install that may still run in xenod keeps its disk file: an admin removes it.
    /// </summary>
    private void Fail(PanelUser user, PanelVm vm, string? remote, string reason, bool ended)
    {
        running.End(vm.Id);
        vms.Remove(vm.Id);
        if (ended && disks.Owns(vm.DiskPath))
        {
            try
            {
                disks.Delete(vm.DiskPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reason += $" (its disk stays: {e.Message})";
            }
        }
        audit.Write(user.Name, InstallAction, vm.Name, remote, "failed",
            $"{reason.TrimEnd('.')}. {vm.Name} was removed and its quota freed; create it again to retry.");
    }

    /// <summary>The failed installs of <paramref name="user"/>'s VMs in the last <see cref="FailureShown"/>, newest first (the VM list shows them).</summary>
    public IReadOnlyList<AuditEntry> RecentFailures(PanelUser user, DateTimeOffset now)
    {
        var since = Db.Stamp(now - FailureShown);
        return audit.Read(user: user.Name, action: InstallAction, limit: 20)
            .Where(e => e.Result == "failed" && string.CompareOrdinal(e.Time, since) >= 0).Take(5).ToList();
    }

    private VmOutcome Refuse(PanelUser user, string target, string? remote, string message)
    {
        audit.Write(user.Name, "vm.create", target, remote, "refused", message);
        return new VmOutcome(false, message);
    }
}
