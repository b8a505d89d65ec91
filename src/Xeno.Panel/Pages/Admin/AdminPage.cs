using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Pages.Admin;

/// <summary>
/// What the account admin pages share: the signed-in admin, the client's address, and showing an
/// action's outcome (a refusal answers 422 with its message above the form, never an error page).
/// The folder's "admin" policy keeps owners out (403) before any of this runs.
/// </summary>
public abstract class AdminPage : PageModel
{
    public string? Message { get; private set; }
    public bool Failed { get; private set; }

    protected PanelUser Caller => CurrentUser.Of(HttpContext)!;
    protected string Remote => CurrentUser.Remote(HttpContext);

    protected IActionResult Show(AdminOutcome outcome)
    {
        (Message, Failed) = (outcome.Message, !outcome.Ok);
        if (!outcome.Ok)
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Load();
        return Page();
    }

    /// <summary>Reads what the page lists (after an action, so it shows the result).</summary>
    protected abstract void Load();
}
