using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Xeno.Panel.Data;

namespace Xeno.Panel.Accounts;

/// <summary>
/// Checks on every request that the cookie's session is still live in the database: a cookie
/// kept after logout (or after an admin ends the session) is worth nothing.
/// </summary>
public sealed class SessionValidation(Sessions sessions) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var user = context.Principal is null ? null : PanelClaims.UserId(context.Principal);
        var session = context.Principal is null ? null : PanelClaims.SessionId(context.Principal);
        if (user is null || session is null || !sessions.IsLive(session, user.Value))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(PanelClaims.Scheme);
        }
    }

    // A signed-in user without the right gets a plain 403, not a redirect loop.
    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
