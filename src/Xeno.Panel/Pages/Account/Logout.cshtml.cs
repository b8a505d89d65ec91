using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Account;

/// <summary>Ends the session in the database (not only the cookie), so a copied cookie dies with it.</summary>
public sealed class LogoutModel(Sessions sessions, AuditLog audit) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (PanelClaims.SessionId(User) is { } session)
            sessions.Revoke(session);
        audit.Write(User.Identity?.Name, "logout", null, CurrentUser.Remote(HttpContext), "ok");
        await HttpContext.SignOutAsync(PanelClaims.Scheme);
        return LocalRedirect("/Account/Login");
    }
}
