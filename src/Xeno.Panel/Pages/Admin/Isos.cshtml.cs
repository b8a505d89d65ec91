using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Pages.Admin;

/// <summary>The CD image catalogue for admins (the folder's "admin" policy keeps owners out): register a path, upload, remove.</summary>
public sealed class IsosModel(CdCatalogue catalogue, PanelOptions options) : PageModel
{
    public IReadOnlyList<CdImage> Images { get; private set; } = [];
    public string? Message { get; private set; }
    public bool Failed { get; private set; }
    public int MaxUploadMib => options.MaxIsoUploadMib;

    public void OnGet() => Images = catalogue.All();

    public async Task<IActionResult> OnPostRegisterAsync(string? name, string? path, CancellationToken cancel) =>
        Show(await catalogue.RegisterAsync(CurrentUser.Of(HttpContext)!, name, path, CurrentUser.Remote(HttpContext), cancel));

    public async Task<IActionResult> OnPostUploadAsync(string? name, IFormFile? file, CancellationToken cancel)
    {
        await using var content = file?.OpenReadStream();
        return Show(await catalogue.UploadAsync(CurrentUser.Of(HttpContext)!, name, content, CurrentUser.Remote(HttpContext), cancel));
    }

    public IActionResult OnPostRemove(string? name) =>
        Show(catalogue.Remove(CurrentUser.Of(HttpContext)!, name, CurrentUser.Remote(HttpContext)));

    private PageResult Show(VmOutcome outcome)
    {
        (Message, Failed) = (outcome.Message, !outcome.Ok);
        if (!outcome.Ok)
            Response.StatusCode = outcome.Message == catalogue.TooLarge() ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity;
        Images = catalogue.All();
        return Page();
    }
}
