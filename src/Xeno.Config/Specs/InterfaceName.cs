using System.Text;
using Xeno.Config.Text;

namespace Xeno.Config.Specs;

/// <summary>
/// Linux's rule for network interface names (the kernel's dev_valid_name): 1 to 15 bytes
/// (IFNAMSIZ 16 with the NUL), not "." or "..", no '/', ':' or whitespace. Xen's xl accepts any
/// vifname and its hotplug script fails later, when it renames the interface; Xeno refuses it
/// while parsing, and also refuses control characters, as the name reaches logs and terminals.
/// </summary>
public static class InterfaceName
{
    public const int MaxBytes = 15;

    /// <summary>Why <paramref name="name"/> cannot name a Linux interface, or null when it can.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string shown = Utf16Text.Shown(name);
        if (name.Length == 0) return "Invalid vifname \"\": an interface name must not be empty.";
        if (name is "." or "..") return $"Invalid vifname \"{name}\": \".\" and \"..\" are not interface names.";
        if (name.FirstOrDefault(c => c is '/' or ':') is var sep and not '\0')
            return $"Invalid vifname \"{shown}\": an interface name cannot contain '{sep}'.";
        if (name.Any(Utf16Text.IsControlLike) || !Utf16Text.IsWellFormed(name))
            return $"Invalid vifname \"{shown}\": an interface name cannot contain control characters or invalid Unicode.";
        if (name.Any(char.IsWhiteSpace))
            return $"Invalid vifname \"{shown}\": an interface name cannot contain whitespace.";
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxBytes)
            return $"Invalid vifname \"{shown}\": it is {bytes} bytes long; Linux allows at most {MaxBytes}.";
        return null;
    }
}
