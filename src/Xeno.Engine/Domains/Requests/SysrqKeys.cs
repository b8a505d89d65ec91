namespace Xeno.Engine.Domains.Requests;

/// <summary>
/// The key a SysRq command character is typed with, as a QEMU qcode. Xen writes the character
/// to control/sysrq; here it is typed, so only characters with a key on a US keyboard exist.
/// </summary>
public static class SysrqKeys
{
    private static readonly Dictionary<char, string> Punctuation = new()
    {
        ['-'] = "minus", ['='] = "equal", ['['] = "bracket_left", [']'] = "bracket_right", [';'] = "semicolon",
        ['\''] = "apostrophe", [','] = "comma", ['.'] = "dot", ['/'] = "slash", ['\\'] = "backslash", ['`'] = "grave_accent",
    };

    /// <summary>The qcode of the key, or null when the text is not one typeable character.</summary>
    public static string? QCode(string key)
    {
        if (key.Length != 1)
            return null;
        char c = key[0];
        if (char.IsAsciiLetter(c) || char.IsAsciiDigit(c))
            return char.ToLowerInvariant(c).ToString();
        return Punctuation.GetValueOrDefault(c);
    }

    /// <summary>Upper-case letters are typed with shift (Linux's SysRq table is case-sensitive for a few).</summary>
    public static bool NeedsShift(string key) => key.Length == 1 && char.IsAsciiLetterUpper(key[0]);
}
