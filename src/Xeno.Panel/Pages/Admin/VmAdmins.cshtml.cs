using Microsoft.AspNetCore.Mvc;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Admin;

/// <summary>
/// VM administrators for admins (XVM's per-VM lists): every VM with its owner and the users and
/// groups that administer it; add or remove one. An administrator sees and manages the VM as its
/// owner does (pages, consoles, the SSH menu); quotas stay the owner's.
/// </summary>
public sealed class VmAdminsModel(Groups groups, VmRecords vms, AccountAdmin admin) : AdminPage
{
    public IReadOnlyList<VmAdministrators> All { get; private set; } = [];

    public void OnGet() => Load();

    public IActionResult OnPostAdd(string? vm, string? kind, string? who) => Show(admin.SetVmAdministrator(Caller, vm, kind, who, true, Remote));

    public IActionResult OnPostRemove(string? vm, string? kind, string? who) => Show(admin.SetVmAdministrator(Caller, vm, kind, who, false, Remote));

    protected override void Load() => All = groups.AdministratorsOfEveryVm(vms);
}
