using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Pages.Vms;

public sealed class CreateModel(PanelOptions options, Quotas quotas, VmRecords vms, VmService service) : PageModel
{
    public IReadOnlyList<string> Errors { get; private set; } = [];
    public IReadOnlyList<KernelChoice> Kernels => options.Kernels;
    public Quota Quota { get; private set; } = null!;
    public Usage Usage { get; private set; } = null!;
    public string Name { get; private set; } = "";
    public string Memory { get; private set; } = "256";
    public string Vcpus { get; private set; } = "1";
    public string Disk { get; private set; } = "4";
    public string Type { get; private set; } = "pv";
    public string Kernel { get; private set; } = "";

    public void OnGet() => LoadQuota();

    public async Task<IActionResult> OnPostAsync(string? name, string? type, string? memory, string? vcpus, string? disk, string? kernel, CancellationToken cancel)
    {
        (Name, Type, Memory, Vcpus, Disk, Kernel) = (name ?? "", type ?? "", memory ?? "", vcpus ?? "", disk ?? "", kernel ?? "");
        var user = CurrentUser.Of(HttpContext)!;
        var (request, errors) = VmCreateForm.Parse(name, type, memory, vcpus, disk, kernel, options.Kernels);
        VmOutcome? outcome = null;
        if (request is not null)
        {
            outcome = await service.CreateAsync(user, request, CurrentUser.Remote(HttpContext), cancel);
            if (outcome.Vm is not null)
            {
                TempData["message"] = outcome.Message;
                return Redirect($"/Vms/Info/{outcome.Vm.Id}");
            }
        }
        Errors = outcome is null ? errors : [outcome.Message];
        LoadQuota();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private void LoadQuota()
    {
        var user = CurrentUser.Of(HttpContext)!;
        Quota = quotas.For(user.Id, options.DefaultQuota);
        Usage = vms.UsageOf(user.Id);
    }
}
