using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Ssh;

namespace Xeno.Panel.Pages.Account;

/// <summary>
/// The user's SSH public keys for the SSH menu (docs/panel.md): add one (checked by
/// <see cref="SshPublicKey.Parse"/>), remove one. Owners see and remove only their own; admins
/// see every user's and may remove any. The key id of a removal is a form field, so it is
/// checked here: another owner's key answers 404, as a VM does, and is audited.
/// </summary>
public sealed class KeysModel(SshKeys keys, AuditLog audit) : PageModel
{
    public IReadOnlyList<StoredSshKey> Keys { get; private set; } = [];
    public bool ShowOwners { get; private set; }
    public string? Message { get; private set; }
    public bool Failed { get; private set; }
    public string KeyLine { get; private set; } = "";

    public void OnGet() => Load(CurrentUser.Of(HttpContext)!);

    public IActionResult OnPostAdd(string? key)
    {
        var user = CurrentUser.Of(HttpContext)!;
        var (parsed, error) = SshPublicKey.Parse(key);
        if (parsed is not null)
        {
            StoredSshKey? stored;
            (stored, error) = keys.Add(user.Id, parsed);
            if (stored is not null)
            {
                audit.Write(user.Name, "ssh.key-add", stored.Fingerprint, CurrentUser.Remote(HttpContext), "ok", $"{stored.Type} {stored.Comment}".TrimEnd());
                (Message, Failed) = ($"Added the {stored.Type} key {stored.Fingerprint}.", false);
                Load(user);
                return Page();
            }
        }
        audit.Write(user.Name, "ssh.key-add", parsed?.Fingerprint, CurrentUser.Remote(HttpContext), "refused", error);
        (Message, Failed, KeyLine) = (error, true, (key ?? "").Length <= SshPublicKey.MaxLineLength ? key ?? "" : "");
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Load(user);
        return Page();
    }

    public IActionResult OnPostRemove(long? id)
    {
        var user = CurrentUser.Of(HttpContext)!;
        var key = id is null ? null : keys.Get(id.Value);
        if (key is null || (!user.IsAdmin && key.UserId != user.Id))
        {
            audit.Write(user.Name, "ssh.key-remove", id?.ToString(System.Globalization.CultureInfo.InvariantCulture), CurrentUser.Remote(HttpContext), "refused", "no such key of the user's");
            return NotFound();
        }
        keys.Remove(key.Id);
        audit.Write(user.Name, "ssh.key-remove", key.Fingerprint, CurrentUser.Remote(HttpContext), "ok", key.UserId == user.Id ? null : $"{key.UserName}'s key");
        (Message, Failed) = ($"Removed the key {key.Fingerprint}.", false);
        Load(user);
        return Page();
    }

    private void Load(PanelUser user)
    {
        ShowOwners = user.IsAdmin;
        Keys = user.IsAdmin ? keys.All() : keys.Of(user.Id);
    }
}
