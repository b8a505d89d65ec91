using Xeno.Api.Client;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Vms;

/// <summary>
/// Boot modes as a property of each VM (normal, rescue, a catalogue CD, the chain-load CD),
/// read at power-on into a <see cref="VmStartPlan"/>. Shared by the web pages and the SSH menu.
/// The chain-load CD is xenod's (POST /v1/guests/chainload-cd builds it once and caches it),
/// asked for at each chain-load power-on.
/// </summary>
public sealed class VmBootService(VmBootRecords boots, CdImages images, VmDiskRecords extraDisks, XenodClients xenod, AuditLog audit, PanelOptions options)
{
    public VmBoot Get(PanelVm vm) => boots.Get(vm.Id);

    /// <summary>The words the page shows for a boot setting.</summary>
    public string Describe(VmBoot boot) => boot.Mode switch
    {
        BootMode.Rescue => "rescue system",
        BootMode.Cd => boot.CdImageId is { } id && images.Get(id) is { } image ? $"CD image {image.Name}" : "CD image (no longer in the catalogue)",
        BootMode.Chainload => "chain-load CD (the guest's own GRUB configuration)",
        _ => "normal (its disk)",
    };

    public VmOutcome Set(PanelUser user, PanelVm vm, string? mode, string? cd, string? remote)
    {
        var (boot, error) = VmSettingsForm.ParseBoot(mode, cd, images.All());
        if (boot is null)
        {
            audit.Write(user.Name, "vm.boot-mode", vm.Name, remote, "refused", error);
            return new VmOutcome(false, error!, vm);
        }
        boots.Set(vm.Id, boot);
        var text = Describe(boot);
        audit.Write(user.Name, "vm.boot-mode", vm.Name, remote, "ok", text);
        return new VmOutcome(true, $"{vm.Name} boots from the {text} at its next power-on.", vm);
    }

    /// <summary>What the next power-on of <paramref name="vm"/> starts, or why it cannot.</summary>
    public async Task<(VmStartPlan? Plan, string? Error)> PlanForAsync(PanelVm vm, CancellationToken cancel)
    {
        var disks = extraDisks.Of(vm.Id).Select(d => d.Path).ToList();
        var boot = boots.Get(vm.Id);
        switch (boot.Mode)
        {
            case BootMode.Rescue:
                foreach (var (file, what) in new[] { (options.RescueKernelPath, "kernel"), (options.RescueRamdiskPath, "initramfs") })
                {
                    if (!File.Exists(file))
                        return (null, $"Rescue mode: the rescue {what} is not installed on this host; ask an administrator.");
                }
                return (new VmStartPlan(BootMode.Rescue, disks, RescueKernel: options.RescueKernelPath, RescueRamdisk: options.RescueRamdiskPath), null);
            case BootMode.Cd:
                var image = boot.CdImageId is { } id ? images.Get(id) : null;
                if (image is null)
                    return (null, "CD boot: the chosen image is no longer in the catalogue; choose another boot mode.");
                return (new VmStartPlan(BootMode.Cd, disks, image.Path), null);
            case BootMode.Chainload:
                try
                {
                    var cd = await xenod.For(vm.HostId).BuildChainloadCdAsync(cancel);
                    return (new VmStartPlan(BootMode.Chainload, disks, cd.Path), null);
                }
                catch (XenodException e)
                {
                    return (null, $"Chain-load CD: {e.Message}");
                }
            default:
                return (new VmStartPlan(BootMode.Normal, disks), null);
        }
    }
}
