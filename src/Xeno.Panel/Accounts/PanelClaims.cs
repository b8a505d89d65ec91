using System.Security.Claims;
using Xeno.Panel.Data;

namespace Xeno.Panel.Accounts;

/// <summary>What the session cookie carries: the user's id, name, role and the server-side session id.</summary>
public static class PanelClaims
{
    public const string Session = "xeno:session";
    public const string Scheme = "xeno-panel";

    public static ClaimsPrincipal For(PanelUser user, string session) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, user.Name),
        new Claim(ClaimTypes.Role, Users.RoleText(user.Role)),
        new Claim(Session, session),
    ], Scheme));

    public static long? UserId(ClaimsPrincipal p) =>
        long.TryParse(p.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id) ? id : null;

    public static string? SessionId(ClaimsPrincipal p) => p.FindFirstValue(Session);
}
