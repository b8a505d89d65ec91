using Microsoft.AspNetCore.Mvc;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Admin;

/// <summary>
/// One account for admins (/Admin/User?name=N): disable or enable, a new password, the role, the
/// quota (own or the default). Every form names the user in a field, so no route names one.
/// </summary>
public sealed class UserModel(Users users, Quotas quotas, VmRecords vms, AccountAdmin admin, PanelOptions options) : AdminPage
{
    private string _name = "";

    public PanelUser? Account { get; private set; }
    public Quota Quota { get; private set; } = new(0, 0, 0, 0);
    public bool OwnQuota { get; private set; }
    public Usage Use { get; private set; } = new(0, 0, 0, 0);

    public IActionResult OnGet(string? name)
    {
        _name = (name ?? "").Trim();
        Load();
        return Account is null ? NotFound() : Page();
    }

    public IActionResult OnPostDisable(string? name) => Act(name, admin.SetDisabled(Caller, name, true, Remote));

    public IActionResult OnPostEnable(string? name) => Act(name, admin.SetDisabled(Caller, name, false, Remote));

    public IActionResult OnPostPassword(string? name, string? password) => Act(name, admin.ResetPassword(Caller, name, password, Remote));

    public IActionResult OnPostRole(string? name, string? role) => Act(name, admin.SetRole(Caller, name, role, Remote));

    public IActionResult OnPostQuota(string? name, string? vms, string? memory, string? vcpus, string? disk) =>
        Act(name, admin.SetQuota(Caller, name, vms, memory, vcpus, disk, Remote));

    public IActionResult OnPostQuotaDefault(string? name) => Act(name, admin.ClearQuota(Caller, name, Remote));

    private IActionResult Act(string? name, AdminOutcome outcome)
    {
        _name = (name ?? "").Trim();
        return Show(outcome);
    }

    protected override void Load()
    {
        Account = _name.Length == 0 ? null : users.Find(_name);
        if (Account is null)
            return;
        var own = quotas.Own(Account.Id);
        (Quota, OwnQuota) = own is null ? (options.DefaultQuota, false) : (own, true);
        Use = vms.UsageOf(Account.Id);
    }
}
