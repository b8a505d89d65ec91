using Xeno.Panel.Data;

namespace Xeno.Panel.Accounts;

/// <summary>The signed-in user, read fresh from the database (a role change counts at once).</summary>
public static class CurrentUser
{
    public static PanelUser? Of(HttpContext http)
    {
        var id = PanelClaims.UserId(http.User);
        return id is null ? null : http.RequestServices.GetRequiredService<Users>().Get(id.Value);
    }

    /// <summary>The client's address for the audit log.</summary>
    public static string Remote(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "local";
}
