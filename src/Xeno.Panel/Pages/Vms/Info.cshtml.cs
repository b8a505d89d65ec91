using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Pages.Vms;

/// <summary>
/// One VM: its figures, the power buttons, the PV/HVM switch, boot mode, CD, memory and vCPUs,
/// disks, NICs, recent console output and the usage graph. <see cref="VmAccessFilter"/> has
/// checked access before any handler runs; the services validate, act and audit.
/// </summary>
public sealed class InfoModel(VmService service, VmChangeService changes, VmBootService boots, VmDeleteService deletes, CdCatalogue catalogue,
    VmRecords vms, VmDiskRecords extraDisks, UsageSamples usage, XenodClients xenod, PanelOptions options, TimeProvider clock) : PageModel
{
    public VmRow Row { get; private set; } = null!;
    public string? Message { get; private set; }
    public bool Failed { get; private set; }
    public string? XenodError { get; private set; }
    public VmBoot Boot { get; private set; } = VmBoot.Normal;
    public string BootText { get; private set; } = "";
    public IReadOnlyList<CdImage> Catalogue { get; private set; } = [];
    public IReadOnlyList<KernelChoice> Kernels => options.Kernels;
    public IReadOnlyList<VmExtraDisk> ExtraDisks { get; private set; } = [];
    public IReadOnlyList<NicInfo> Nics { get; private set; } = [];
    public string Console { get; private set; } = "";
    public string UsageSvg { get; private set; } = "";

    /// <summary>The record as the handlers left it (a change is shown at once).</summary>
    public PanelVm Current => Row.Vm;

    private PanelVm Vm => (PanelVm)HttpContext.Items[VmAccessFilter.Key]!;
    private PanelUser Caller => CurrentUser.Of(HttpContext)!;
    private string Remote => CurrentUser.Remote(HttpContext);

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
            var outcome = await service.PowerAsync(Caller, Vm, power.Value, Remote, cancel);
            (Message, Failed) = (outcome.Message, !outcome.Ok);
            if (!outcome.Ok)
                Response.StatusCode = StatusCodes.Status409Conflict;
        }
        await LoadAsync(cancel);
        return Page();
    }

    public Task<IActionResult> OnPostTypeAsync(string? type, string? kernel, string? convert, CancellationToken cancel) =>
        ShowAsync(changes.SwitchTypeAsync(Caller, Vm, type, kernel, convert, Remote, cancel), cancel);

    public Task<IActionResult> OnPostBootAsync(string? mode, string? cd, CancellationToken cancel) =>
        ShowAsync(Task.FromResult(boots.Set(Caller, Vm, mode, cd, Remote)), cancel);

    public Task<IActionResult> OnPostResourcesAsync(string? memory, string? vcpus, CancellationToken cancel) =>
        ShowAsync(changes.ResizeAsync(Caller, Vm, memory, vcpus, Remote, cancel), cancel);

    public Task<IActionResult> OnPostCdInsertAsync(string? cd, CancellationToken cancel) =>
        ShowAsync(changes.InsertCdAsync(Caller, Vm, cd, Remote, cancel), cancel);

    public Task<IActionResult> OnPostCdEjectAsync(CancellationToken cancel) =>
        ShowAsync(changes.EjectCdAsync(Caller, Vm, Remote, cancel), cancel);

    public Task<IActionResult> OnPostDiskAddAsync(string? size, CancellationToken cancel) =>
        ShowAsync(changes.AddDiskAsync(Caller, Vm, size, Remote, cancel), cancel);

    public Task<IActionResult> OnPostDiskRemoveAsync(string? disk, CancellationToken cancel) =>
        ShowAsync(changes.RemoveDiskAsync(Caller, Vm, disk, Remote, cancel), cancel);

    /// <summary>Deletes the VM once its name is typed to confirm; the VM list tells what was done.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(string? confirm, CancellationToken cancel)
    {
        var outcome = await deletes.DeleteAsync(Caller, Vm, confirm, Remote, cancel);
        if (!outcome.Ok)
            return await ShowAsync(Task.FromResult(outcome), cancel);
        TempData["message"] = outcome.Message;
        return Redirect("/");
    }

    /// <summary>The page again with the action's message; a refused action answers 422.</summary>
    private async Task<IActionResult> ShowAsync(Task<VmOutcome> action, CancellationToken cancel)
    {
        var outcome = await action;
        (Message, Failed) = (outcome.Message, !outcome.Ok);
        if (!outcome.Ok)
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(cancel);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancel)
    {
        var vm = vms.Get(Vm.Id) ?? Vm;
        var (domains, error) = await service.DomainsAsync(vm.HostId, cancel);
        XenodError = error;
        Row = VmRow.Of(vm, domains.GetValueOrDefault(vm.Name), clock.GetUtcNow(), error is null);
        Boot = boots.Get(vm);
        BootText = boots.Describe(Boot);
        Catalogue = catalogue.All();
        ExtraDisks = extraDisks.Of(vm.Id);
        long now = clock.GetUtcNow().ToUnixTimeSeconds();
        UsageSvg = UsageGraph.Svg(usage.Since(vm.Id, now - UsageSampler.KeptSeconds - options.UsageSampleSeconds), now);
        if (Row.Domain is null)
            return;
        var client = xenod.For(vm.HostId);
        try
        {
            Console = ConsoleTail.Of((await client.GetConsoleOutputAsync(vm.Name, cancel)).Output);
            Nics = await client.ListNicsAsync(vm.Name, cancel);
        }
        catch (XenodException e) when (e.Kind != ApiErrorKind.NotFound)
        {
            XenodError ??= e.Message;
        }
        catch (XenodException)
        {
            // Stopped between the list and these reads: shown as off next time.
        }
    }
}
