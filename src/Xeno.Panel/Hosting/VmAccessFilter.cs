using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Hosting;

/// <summary>
/// Every page whose route names a VM ({id}) passes here before its handler runs: the VM must
/// exist and the user must be allowed it, else 404 (the same answer for "not yours" and "no
/// such VM", so ids cannot be probed) and an audit entry. The page finds the VM in
/// <see cref="Key"/>. New VM pages are covered without doing anything.
/// </summary>
public sealed class VmAccessFilter(VmRecords vms, VmAccess access, AuditLog audit) : IAsyncPageFilter
{
    public const string Key = "xeno:vm";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!context.RouteData.Values.TryGetValue("id", out var raw))
        {
            await next();
            return;
        }
        var http = context.HttpContext;
        var user = CurrentUser.Of(http);
        PanelVm? vm = long.TryParse(raw as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id) ? vms.Get(id) : null;
        if (user is null || vm is null || !access.Allows(user, vm))
        {
            audit.Write(user?.Name, "vm.access", raw?.ToString(), CurrentUser.Remote(http), "refused", $"{http.Request.Method} {http.Request.Path}");
            context.Result = new NotFoundResult();
            return;
        }
        http.Items[Key] = vm;
        await next();
    }
}
