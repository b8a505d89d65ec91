using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Pages.Vms;

/// <summary>One VM: its figures and the power buttons. <see cref="VmAccessFilter"/> has checked access before this runs.</summary>
public sealed class InfoModel(VmService service, TimeProvider clock) : PageModel
{
    public VmRow Row { get; private set; } = null!;
    public string? Message { get; private set; }
    public bool Failed { get; private set; }
    public string? XenodError { get; private set; }

    private PanelVm Vm => (PanelVm)HttpContext.Items[VmAccessFilter.Key]!;

    public async Task OnGetAsync(CancellationToken cancel)
    {
        Message = TempData["message"] as string;
        await LoadAsync(cancel);
    }

    public async Task<IActionResult> OnPostAsync(string? action, CancellationToken cancel)
    {
        PowerAction? power = action switch
        {
            "start" => PowerAction.Start,
            "shutdown" => PowerAction.Shutdown,
            "reboot" => PowerAction.Reboot,
            "force-off" => PowerAction.ForceOff,
            _ => null,
        };
        if (power is null)
        {
            (Message, Failed) = ("Choose one of the power buttons.", true);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        else
        {
            var outcome = await service.PowerAsync(CurrentUser.Of(HttpContext)!, Vm, power.Value, CurrentUser.Remote(HttpContext), cancel);
            (Message, Failed) = (outcome.Message, !outcome.Ok);
            if (!outcome.Ok)
                Response.StatusCode = StatusCodes.Status409Conflict;
        }
        await LoadAsync(cancel);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        var (domains, error) = await service.DomainsAsync(Vm.HostId, cancel);
        XenodError = error;
        Row = VmRow.Of(Vm, domains.GetValueOrDefault(Vm.Name), clock.GetUtcNow(), error is null);
    }
}
