using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Pages.Vms;

public sealed class CreateModel(PanelOptions options, Quotas quotas, VmRecords vms, VmService service, VmInstallService installs, Ssh.SshKeys keys) : PageModel
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
    public string Boot { get; private set; } = "empty";
    public string Hostname { get; private set; } = "";
    public string SshKeys { get; private set; } = "";
    /// <summary>The owner's panel SSH keys, root's keys of an autoinstall when the form gives none.</summary>
    public int StoredKeys { get; private set; }

    public void OnGet() => LoadQuota();

    public async Task<IActionResult> OnPostAsync(string? name, string? type, string? memory, string? vcpus, string? disk, string? kernel,
        string? boot, string? hostname, string? rootPassword, string? sshKeys, CancellationToken cancel)
    {
        (Name, Type, Memory, Vcpus, Disk, Kernel) = (name ?? "", type ?? "", memory ?? "", vcpus ?? "", disk ?? "", kernel ?? "");
        (Boot, Hostname, SshKeys) = (boot ?? "empty", hostname ?? "", sshKeys ?? "");
        var user = CurrentUser.Of(HttpContext)!;
        var (autoinstall, bootError) = VmAutoinstallForm.ParseBoot(boot);
        var (request, formErrors) = VmCreateForm.Parse(name, type, memory, vcpus, disk, kernel, options.Kernels, diskBringsKernel: autoinstall);
        var errors = formErrors.ToList();
        if (bootError is not null) errors.Add(bootError);
        VmAutoinstall? install = null;
        if (autoinstall && request is not null)
        {
            var (parsed, installErrors) = VmAutoinstallForm.Parse(request.Name, hostname, rootPassword, sshKeys, request.MemoryMib, keys.Of(user.Id));
            install = parsed;
            errors.AddRange(installErrors);
        }
        VmOutcome? outcome = null;
        if (request is not null && errors.Count == 0)
        {
            outcome = install is null
                ? await service.CreateAsync(user, request, CurrentUser.Remote(HttpContext), cancel)
                : await installs.CreateAsync(user, request, install, CurrentUser.Remote(HttpContext), cancel);
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
        StoredKeys = keys.Of(user.Id).Count;
    }
}
