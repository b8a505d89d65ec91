using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Xeno.Panel.Pages;

/// <summary>Every error status ends here with words instead of a bare status or a stack trace.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Heading { get; private set; } = "Something went wrong";
    public string Text { get; private set; } = "The panel could not do this. The administrator can find the details in its log.";

    // The status is read from the query by hand, with no model binding: binding would parse the
    // body of a re-executed post, and a refused upload's body is too large to be read as a form.
    public void OnGet() => Describe(Status());

    public void OnPost() => Describe(Status());

    private int? Status() =>
        int.TryParse(Request.Query["status"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int s) ? s : null;

    private void Describe(int? status)
    {
        switch (status)
        {
            case 400: Heading = "Bad request"; Text = "The form was not accepted (it may have expired: reload the page and try again)."; break;
            case 403: Heading = "Not allowed"; Text = "Your account may not open this page."; break;
            case 404: Heading = "Not found"; Text = "There is no such page or VM here."; break;
            case 405: Heading = "Not allowed"; Text = "This page does not take that kind of request."; break;
            case 413: Heading = "Too large"; Text = "The upload is larger than this panel accepts; nothing was stored."; break;
            case 429: Heading = "Too many requests"; Text = "Wait a minute and try again."; break;
        }
        if (status is >= 400 and < 600)
            Response.StatusCode = status.Value;
    }
}
