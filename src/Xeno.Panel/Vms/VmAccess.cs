using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>Who may see and act on a VM: admins, its owner and its administrators (users, or members of groups); nobody else, and no disabled account.</summary>
public sealed class VmAccess(VmRecords vms)
{
    public bool Allows(PanelUser user, PanelVm vm) =>
        !user.Disabled && (user.IsAdmin || vm.OwnerId == user.Id || vms.IsAdministrator(vm.Id, user.Id));
}
