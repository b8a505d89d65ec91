namespace Xeno.Boot.Conversion;

/// <summary>
/// Rewrites a Linux kernel command line for another boot type: console=hvc0/xvc0 ↔
/// console=ttyS0,115200n8 (other consoles such as tty0 stay, and the target's console is made
/// the last console=, the one /dev/console becomes), xencons= dropped for hvm, root=/dev/xvda1
/// and the like to root=UUID=… where the UUID is known. Words are separated by blanks; quoted
/// words are kept as they are.
/// </summary>
public static class KernelArguments
{
    /// <param name="ensureConsole">Append the target's console= when the line has none for it (a
    /// full kernel line, or GRUB_CMDLINE_LINUX); false for partial lists such as GRUB_CMDLINE_LINUX_DEFAULT.</param>
    public static string Retarget(string arguments, GuestBootType target, IReadOnlyDictionary<int, string> partitionUuids, bool ensureConsole)
    {
        // An unterminated quote swallows the rest of the line: the line is not understood, and left as it is.
        if (Split(arguments) is not { } words) return arguments;
        var others = GuestConsoles.Others(target);
        var targetLine = GuestConsoles.For(target);
        var result = new List<string>();
        // Where the target's console= goes: in place of the last one it replaces (so a round
        // trip gives the line back), unless another console= follows, as the last one wins.
        int place = -1;
        foreach (var word in words)
        {
            if (word.StartsWith("console=", StringComparison.Ordinal))
            {
                var line = ConsoleLine(word);
                if (others.Contains(line) || line == targetLine)
                {
                    place = result.Count;
                    continue;
                }
                result.Add(word);
            }
            else if (target == GuestBootType.Hvm && word.StartsWith("xencons=", StringComparison.Ordinal))
            {
                // Only Xen's pv console driver knows xencons=; under hvm it names nothing.
            }
            else if (word.StartsWith("root=/dev/", StringComparison.Ordinal)
                     && DeviceNames.Portable(word["root=".Length..], partitionUuids) is { } portable)
            {
                result.Add("root=" + portable);
            }
            else
            {
                result.Add(word);
            }
        }
        // Contains, not StartsWith: a console= inside an odd (e.g. unterminated quoted) word may still count for GRUB.
        if (place >= 0 && result.Skip(place).Any(w => w.Contains("console=", StringComparison.Ordinal))) place = result.Count;
        if (place < 0 && ensureConsole) place = result.Count;
        if (place >= 0) result.Insert(place, GuestConsoles.KernelArgument(target));
        return string.Join(' ', result);
    }

    /// <summary>The line of a console= word: "ttyS0" for console=ttyS0,115200n8.</summary>
    private static string ConsoleLine(string word)
    {
        var value = word["console=".Length..];
        var comma = value.IndexOf(',');
        return comma < 0 ? value : value[..comma];
    }

    /// <summary>Blank-separated words, quotes kept; null when a quote is never closed.</summary>
    private static List<string>? Split(string text)
    {
        var words = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            int start = i;
            char quote = '\0';
            while (i < text.Length && (quote != '\0' || !char.IsWhiteSpace(text[i])))
            {
                if (quote == '\0' && (text[i] == '"' || text[i] == '\'')) quote = text[i];
                else if (text[i] == quote) quote = '\0';
                i++;
            }
            if (quote != '\0') return null;
            words.Add(text[start..i]);
        }
        return words;
    }
}
