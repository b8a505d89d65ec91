using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Pages;

/// <summary>The VM list: an owner's own VMs (and those they administer), every VM for an admin; live figures from xenod.</summary>
public sealed class IndexModel(VmRecords vms, VmService service, VmInstallService installs, TimeProvider clock) : PageModel
{
    /// <summary>The user's autoinstalls that failed lately (their VMs were removed again).</summary>
    public IReadOnlyList<AuditEntry> FailedInstalls { get; private set; } = [];

    public IReadOnlyList<VmRow> Rows { get; private set; } = [];
    public string? XenodError { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancel)
    {
        Message = TempData["message"] as string;
        var user = CurrentUser.Of(HttpContext)!;
        FailedInstalls = installs.RecentFailures(user, clock.GetUtcNow());
        var list = vms.VisibleTo(user);
        var rows = new List<VmRow>();
        foreach (var host in list.Select(v => v.HostId).Distinct())
        {
            var (domains, error) = await service.DomainsAsync(host, cancel);
            XenodError ??= error;
            rows.AddRange(list.Where(v => v.HostId == host).Select(v => VmRow.Of(v, domains.GetValueOrDefault(v.Name), clock.GetUtcNow(), error is null)));
        }
        Rows = rows.OrderBy(r => r.Vm.Name, StringComparer.Ordinal).ToList();
    }
}
