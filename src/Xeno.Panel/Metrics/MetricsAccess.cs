using System.Security.Cryptography;
using System.Text;
using Xeno.Panel.Accounts;

namespace Xeno.Panel.Metrics;

public enum MetricsVerdict { Allowed, Unauthenticated, Forbidden }

/// <summary>
/// Who may read /metrics: a request with <c>Authorization: Bearer &lt;Panel:MetricsToken&gt;</c>
/// (a scraper), or a signed-in admin. A request that shows a bearer token is judged by it
/// alone, so a wrong token is refused even with an admin's cookie beside it.
/// </summary>
public static class MetricsAccess
{
    public static (MetricsVerdict Verdict, string Who) Check(HttpContext http, PanelOptions options)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            const string bearer = "Bearer ";
            bool ok = options.MetricsToken is { Length: > 0 } token
                      && header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
                      && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[bearer.Length..].Trim()), Encoding.UTF8.GetBytes(token));
            return ok ? (MetricsVerdict.Allowed, "bearer token") : (MetricsVerdict.Unauthenticated, "a wrong or unexpected Authorization header");
        }
        var user = CurrentUser.Of(http);
        if (user is null)
            return (MetricsVerdict.Unauthenticated, "no session and no bearer token");
        return user.IsAdmin ? (MetricsVerdict.Allowed, user.Name) : (MetricsVerdict.Forbidden, user.Name);
    }
}
