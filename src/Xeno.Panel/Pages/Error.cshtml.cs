using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Xeno.Panel.Pages;

/// <summary>Every error status ends here with words instead of a bare status or a stack trace.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Heading { get; private set; } = "Something went wrong";
    public string Text { get; private set; } = "The panel could not do this. The administrator can find the details in its log.";

    public void OnGet(int? status) => Describe(status);

    public void OnPost(int? status) => Describe(status);

    private void Describe(int? status)
    {
        switch (status)
        {
            case 400: Heading = "Bad request"; Text = "The form was not accepted (it may have expired: reload the page and try again)."; break;
            case 403: Heading = "Not allowed"; Text = "Your account may not open this page."; break;
            case 404: Heading = "Not found"; Text = "There is no such page or VM here."; break;
            case 405: Heading = "Not allowed"; Text = "This page does not take that kind of request."; break;
            case 429: Heading = "Too many requests"; Text = "Wait a minute and try again."; break;
        }
        if (status is >= 400 and < 600)
            Response.StatusCode = status.Value;
    }
}
