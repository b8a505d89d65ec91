using Microsoft.AspNetCore.Mvc;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Admin;

/// <summary>Groups for admins: create and remove them, add and remove members (a group can administer VMs: /Admin/VmAdmins).</summary>
public sealed class GroupsModel(Groups groups, AccountAdmin admin) : AdminPage
{
    public IReadOnlyList<PanelGroup> All { get; private set; } = [];

    public void OnGet() => Load();

    public IActionResult OnPostCreate(string? group) => Show(admin.CreateGroup(Caller, group, Remote));

    public IActionResult OnPostRemove(string? group) => Show(admin.RemoveGroup(Caller, group, Remote));

    public IActionResult OnPostAddMember(string? group, string? user) => Show(admin.SetMember(Caller, group, user, true, Remote));

    public IActionResult OnPostRemoveMember(string? group, string? user) => Show(admin.SetMember(Caller, group, user, false, Remote));

    protected override void Load() => All = groups.All();
}
