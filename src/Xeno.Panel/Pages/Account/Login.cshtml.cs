using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Account;

[EnableRateLimiting(PanelApp.LoginLimit)]
public sealed class LoginModel(Users users, Passwords passwords, Sessions sessions, AuditLog audit) : PageModel
{
    public string? Message { get; private set; }
    public string Name { get; private set; } = "";
    public string ReturnUrl { get; private set; } = "/";

    public void OnGet(string? returnUrl) => ReturnUrl = LocalOnly(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? name, string? password, string? returnUrl)
    {
        Name = (name ?? "").Trim();
        ReturnUrl = LocalOnly(returnUrl);
        var user = Name.Length == 0 ? null : users.Find(Name);
        bool ok = false;
        if (user is null)
            passwords.VerifyNobody(password ?? "");
        else
        {
            var (match, rehash) = passwords.Verify(user.PasswordHash, password ?? "");
            ok = match;
            if (match && rehash)
                users.SetPasswordHash(user.Id, passwords.Hash(password!));
        }
        string remote = CurrentUser.Remote(HttpContext);
        if (!ok)
        {
            audit.Write(Name.Length == 0 ? null : Name, "login", null, remote, "failed", user is null ? "unknown user" : "wrong password");
            Message = "Wrong user name or password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        if (user!.Disabled)
        {
            audit.Write(user.Name, "login", null, remote, "refused", "the account is disabled");
            Message = "This account is disabled; ask an administrator.";
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        var session = sessions.Start(user.Id);
        await HttpContext.SignInAsync(PanelClaims.Scheme, PanelClaims.For(user, session));
        audit.Write(user.Name, "login", null, remote, "ok");
        return LocalRedirect(ReturnUrl);
    }

    // Only a path on this site: a crafted link must not send a fresh login elsewhere.
    private static string LocalOnly(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
