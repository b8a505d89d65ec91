using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Admin;

/// <summary>The audit log for admins (the folder's "admin" policy keeps owners out), newest first, filtered by user or action.</summary>
public sealed class AuditModel(AuditLog audit) : PageModel
{
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public string FilterUser { get; private set; } = "";
    public string FilterAction { get; private set; } = "";

    public void OnGet(string? user, string? action)
    {
        (FilterUser, FilterAction) = (user?.Trim() ?? "", action?.Trim() ?? "");
        Entries = audit.Read(FilterUser, FilterAction, 500);
    }
}
