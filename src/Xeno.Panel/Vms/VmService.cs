using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Vms;

public enum PowerAction { Start, Shutdown, Reboot, ForceOff }

/// <summary>What a create or power action came to: its message is shown to the user as is.</summary>
public sealed record VmOutcome(bool Ok, string Message, PanelVm? Vm = null);

/// <summary>
/// The VM actions of the pages: each checks what it must, asks xenod through the typed client,
/// and writes one audit entry with its result. Callers have already checked access to the VM.
/// </summary>
public sealed class VmService(VmRecords vms, Quotas quotas, DiskStore disks, XenodClients xenod, Hosts hosts,
    AuditLog audit, PanelOptions options, VmBootService boots, VmInstallRecords installs)
{
    /// <summary>Quota check and insert in one step: two creates at once (plain or autoinstalled) must not both fit the last slot.</summary>
    internal SemaphoreSlim CreateGate { get; } = new(1, 1);

    public async Task<VmOutcome> CreateAsync(PanelUser user, VmCreateRequest request, string? remote, CancellationToken cancel)
    {
        PanelVm? vm;
        await CreateGate.WaitAsync(cancel);
        try
        {
            if (!user.IsAdmin)
            {
                var refusals = QuotaCheck.Refusals(quotas.For(user.Id, options.DefaultQuota), vms.UsageOf(user.Id),
                    request.MemoryMib, request.Vcpus, request.DiskGib);
                if (refusals.Count > 0)
                    return Refuse(user, "vm.create", request.Name, remote, string.Join(" ", refusals));
            }
            if (vms.NameTaken(request.Name))
                return Refuse(user, "vm.create", request.Name, remote, $"Name: a VM called {request.Name} already exists.");
            var path = disks.PathFor(request.Name);
            if (!disks.Create(path, request.DiskGib))
                return Refuse(user, "vm.create", request.Name, remote, $"Name: the storage folder already holds a disk for {request.Name}; ask an administrator.");
            var host = hosts.Get(Hosts.LocalName) ?? throw new InvalidOperationException("the panel database has no local host");
            vm = vms.Add(request.Name, user.Id, host.Id, request.Type, request.MemoryMib, request.Vcpus, request.DiskGib, path, request.Kernel?.Name);
            if (vm is null)
            {
                disks.Delete(path);
                return Refuse(user, "vm.create", request.Name, remote, $"Name: a VM called {request.Name} already exists.");
            }
        }
        finally
        {
            CreateGate.Release();
        }
        audit.Write(user.Name, "vm.create", vm.Name, remote, "ok", $"{VmRecords.TypeText(vm.Type)} {vm.MemoryMib} MiB {vm.Vcpus} vCPUs {vm.DiskGib} GiB");
        var start = await PowerAsync(user, vm, PowerAction.Start, remote, cancel);
        return start.Ok
            ? new VmOutcome(true, $"Created {vm.Name} and started it.", vm)
            : new VmOutcome(true, $"Created {vm.Name}, but it did not start: {start.Message}", vm);
    }

    public async Task<VmOutcome> PowerAsync(PanelUser user, PanelVm vm, PowerAction action, string? remote, CancellationToken cancel)
    {
        string name = "vm." + action switch
        {
            PowerAction.Start => "start",
            PowerAction.Shutdown => "shutdown",
            PowerAction.Reboot => "reboot",
            _ => "force-off",
        };
        var client = xenod.For(vm.HostId);
        try
        {
            string done;
            switch (action)
            {
                case PowerAction.Start:
                    // The install writes the disk; the panel starts the VM itself when it succeeds.
                    if (installs.IsRunning(vm.Id))
                        return Refuse(user, name, vm.Name, remote,
                            $"Power on: Debian is still being installed on {vm.Name}'s disk; {vm.Name} starts by itself when the install is done (a few minutes).");
                    var kernel = vm.Kernel is null ? null : options.Kernels.FirstOrDefault(k => k.Name == vm.Kernel);
                    if (vm.Type == VmType.Pv && vm.Kernel is not null && kernel is null)
                        return Refuse(user, name, vm.Name, remote, $"The kernel {vm.Kernel} is no longer offered; ask an administrator.");
                    var (plan, planError) = await boots.PlanForAsync(vm, cancel);
                    if (plan is null)
                        return Refuse(user, name, vm.Name, remote, planError!);
                    var host = await client.GetHostAsync(cancel);
                    var (spec, error) = VmSpec.Build(vm, kernel, host.NrCpus, plan);
                    if (spec is null)
                        return Refuse(user, name, vm.Name, remote, error);
                    // An hvm guest's VNC server listens on loopback only (Xen's default vnclisten); a fresh
                    // random password, never shown, locks it to other local users too. The graphical
                    // console needs no port and no password (xenod's GET …/vnc, Consoles/VncEndpoints).
                    var created = await client.CreateDomainAsync(new CreateDomainRequest
                    {
                        Spec = spec.Value,
                        VncPassword = plan.BootsHvm(vm) ? VncLock.NewPassword() : null,
                    }, cancel);
                    done = plan.Mode == BootMode.Normal
                        ? $"Started {vm.Name} (domain {created.Domid})."
                        : $"Started {vm.Name} (domain {created.Domid}) from the {boots.Describe(boots.Get(vm))}.";
                    break;
                case PowerAction.Shutdown:
                case PowerAction.Reboot:
                    bool reboot = action == PowerAction.Reboot;
                    var how = await client.ShutdownAsync(vm.Name, reboot, new ShutdownRequest { AcpiFallback = true }, cancel);
                    done = $"Asked {vm.Name} to {(reboot ? "reboot" : "shut down")} ({(how == ShutdownMethod.Agent ? "guest agent" : "ACPI")}).";
                    break;
                default:
                    await client.DestroyAsync(vm.Name, cancel);
                    done = $"Forced {vm.Name} off.";
                    break;
            }
            audit.Write(user.Name, name, vm.Name, remote, "ok", done);
            return new VmOutcome(true, done, vm);
        }
        catch (XenodException e)
        {
            audit.Write(user.Name, name, vm.Name, remote, "failed", e.Message);
            return new VmOutcome(false, e.Kind == ApiErrorKind.NotFound ? $"{vm.Name} is not running." : e.Message, vm);
        }
    }

    /// <summary>xenod's view of the panel's VMs, by name; a VM that is not running is absent.</summary>
    public async Task<(IReadOnlyDictionary<string, DomainInfo> Domains, string? Error)> DomainsAsync(long hostId, CancellationToken cancel)
    {
        try
        {
            var list = await xenod.For(hostId).ListDomainsAsync(cancel);
            return (list.ToDictionary(d => d.Name, StringComparer.Ordinal), null);
        }
        catch (XenodException e)
        {
            return (new Dictionary<string, DomainInfo>(), e.Message);
        }
    }

    private VmOutcome Refuse(PanelUser user, string action, string target, string? remote, string message)
    {
        audit.Write(user.Name, action, target, remote, "refused", message);
        return new VmOutcome(false, message);
    }
}
