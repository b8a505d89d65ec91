using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>
/// What a power-on adds to a VM's record: its extra disks and the boot mode's files. Every
/// path here is the panel's own (its storage folder) or an admin's (catalogue, rescue files).
/// </summary>
public sealed record VmStartPlan(BootMode Mode, IReadOnlyList<string> ExtraDisks, string? CdPath = null,
    string? RescueKernel = null, string? RescueRamdisk = null)
{
    public static readonly VmStartPlan Normal = new(BootMode.Normal, []);

    /// <summary>Whether this boot runs as hvm: the VM's type, or a CD boot (firmware boots CDs).</summary>
    public bool BootsHvm(PanelVm vm) => Mode switch
    {
        BootMode.Cd or BootMode.Chainload => true,
        BootMode.Rescue => false,
        _ => vm.Type == VmType.Hvm,
    };
}
