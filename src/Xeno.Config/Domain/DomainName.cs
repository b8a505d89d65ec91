using System.Globalization;
using System.Text;
using Xeno.Config.Text;

namespace Xeno.Config.Domain;

/// <summary>
/// What a domain name may be. A name becomes a file name on the host (the console log
/// <c>&lt;name&gt;.log</c>, core dumps <c>dump/&lt;name&gt;</c>), a xenstore value and an operand of
/// every xl command, so names that could leave a folder, be mistaken for a domid, or reach a
/// terminal as control sequences are refused at create and at rename. Xen itself only refuses a
/// name in use; everything else here is Xeno's own rule, with Xen's message where Xen has one.
/// </summary>
public static class DomainName
{
    /// <summary>The host's own domain, always present, never a guest's name.</summary>
    public const string Dom0 = "Domain-0";

    /// <summary>
    /// Longest name in UTF-8 bytes. Host files append at most ".log.10" (console log
    /// generations) and "--incoming" (a domain being migrated in) to one path component, so 128
    /// keeps every component far below Linux's NAME_MAX of 255 and leaves room for the suffixes
    /// of save files and dumps to come.
    /// </summary>
    public const int MaxBytes = 128;

    /// <summary>Why <paramref name="name"/> cannot name a domain, or null when it can.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) return "Domain name must not be empty.";
        // libxl's message: Domain-0 always exists.
        if (name == Dom0) return $"Domain with name \"{Dom0}\" already exists.";
        string shown = Utf16Text.Shown(name);
        if (name is "." or "..")
            return $"Invalid domain name \"{name}\": \".\" and \"..\" name folders, not files.";
        if (name.All(char.IsAsciiDigit))
            return $"Invalid domain name \"{name}\": a name of digits only would be read as a domain id.";
        if (name.Contains('/'))
            return $"Invalid domain name \"{shown}\": it contains '/', which would make it a path.";
        if (name.Contains('\0'))
            return $"Invalid domain name \"{shown}\": it contains a NUL character.";
        if (name.FirstOrDefault(Utf16Text.IsControlLike) is var c and not '\0')
            return $"Invalid domain name \"{shown}\": it contains the control character U+{(int)c:X4}.";
        if (!Utf16Text.IsWellFormed(name))
            return $"Invalid domain name \"{shown}\": it is not valid Unicode (a lone surrogate).";
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxBytes)
            return $"Invalid domain name \"{Utf16Text.Shown(name[..32])}...\": it is {bytes} bytes long in UTF-8; the limit is {MaxBytes}.";
        return null;
    }

    /// <summary>True when <paramref name="name"/> can name a domain.</summary>
    public static bool IsValid(string name) => Problem(name) is null;
}
