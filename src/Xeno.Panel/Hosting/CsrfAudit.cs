using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Hosting;

/// <summary>Writes a refused form post (a missing or forged antiforgery token) to the audit log.</summary>
public sealed class CsrfAudit(AuditLog audit) : IAsyncAlwaysRunResultFilter
{
    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            var http = context.HttpContext;
            audit.Write(http.User.Identity?.Name, "csrf", http.Request.Path, CurrentUser.Remote(http), "refused", "missing or invalid antiforgery token");
        }
        await next();
    }
}
