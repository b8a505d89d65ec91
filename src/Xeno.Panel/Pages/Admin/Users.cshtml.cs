using Microsoft.AspNetCore.Mvc;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Admin;

/// <summary>One row of the accounts list: the user, their VMs' use and the quota that applies.</summary>
public sealed record UserRow(PanelUser User, Usage Use, Quota Quota, bool OwnQuota);

/// <summary>Accounts for admins: the list with use and quotas, and a new account. Each account's page is /Admin/User?name=N.</summary>
public sealed class UsersModel(Users users, Quotas quotas, VmRecords vms, AccountAdmin admin, PanelOptions options) : AdminPage
{
    public IReadOnlyList<UserRow> Rows { get; private set; } = [];

    public void OnGet() => Load();

    public IActionResult OnPostCreate(string? name, string? password, string? role) =>
        Show(admin.Create(Caller, name, password, role, Remote));

    protected override void Load() =>
        Rows = users.All().Select(u => quotas.Own(u.Id) is { } own
            ? new UserRow(u, vms.UsageOf(u.Id), own, true)
            : new UserRow(u, vms.UsageOf(u.Id), options.DefaultQuota, false)).ToList();
}
