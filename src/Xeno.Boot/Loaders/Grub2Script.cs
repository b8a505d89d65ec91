namespace Xeno.Boot.Loaders;

/// <summary>Small pieces of grub2 script syntax shared by the grub.cfg reader.</summary>
internal static class Grub2Script
{
    /// <summary>
    /// The title of "menuentry 'Title' ... {" as pygrub finds it: from the opening quote to the
    /// first quote followed by a blank, with a '{' somewhere after (an unquoted title: its first
    /// word). Null when the line is no menuentry.
    /// </summary>
    public static string? MenuEntryTitle(string line, string keyword = "menuentry ")
    {
        if (!line.StartsWith(keyword, StringComparison.Ordinal)) return null;
        int open = keyword.Length;
        if (open >= line.Length) return null;
        if (line[open] != '"' && line[open] != '\'')
        {
            // A bare word, as GRUB allows ("menuentry Rescue {"); pygrub knows none.
            int blank = line.IndexOfAny([' ', '\t'], open);
            if (blank < 0 || line[open] == '{' || line.IndexOf('{', blank) < 0) return null;
            return line.Substring(open, blank - open);
        }
        for (int i = open + 1; i + 1 < line.Length; i++)
        {
            if ((line[i] == '"' || line[i] == '\'') && line[i + 1] == ' ')
                return line.IndexOf('{', i + 2) >= 0 ? line.Substring(open + 1, i - open - 1) : null;
        }
        return null;
    }

    /// <summary>The title of a "submenu 'Title' ... {" line (best effort; pygrub ignores it).</summary>
    public static string SubmenuTitle(string line)
    {
        var rest = PyText.Strip(line.Length > 7 ? line.Substring(7) : "");
        var title = MenuEntryTitle("submenu " + rest, "submenu ");
        if (title is not null) return title;
        var words = SplitWords(rest);
        return words.Count > 0 ? words[0] : "";
    }

    /// <summary>The id given with --id or $menuentry_id_option on a menuentry line, if any.</summary>
    public static string? EntryId(string line)
    {
        var words = SplitWords(line);
        for (int i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] is "$menuentry_id_option" or "${menuentry_id_option}" or "--id") return words[i + 1];
            if (words[i].StartsWith("--id=", StringComparison.Ordinal)) return words[i].Substring(5);
        }
        return null;
    }

    /// <summary>GRUB's "name=value" command (an assignment without "set"): the command word is a variable name followed by '='.</summary>
    public static bool IsBareAssignment(string line, string command) =>
        command.Length > 0 && line.Length > command.Length && line[command.Length] == '=' &&
        (char.IsAsciiLetter(command[0]) || command[0] == '_') && command.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Shell-like words: blanks separate, quotes group and are removed, nothing is expanded.</summary>
    public static List<string> SplitWords(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0'; else current.Append(c);
                continue;
            }
            if (c is '"' or '\'') { quote = c; inWord = true; continue; }
            if (PyText.IsSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                continue;
            }
            current.Append(c);
            inWord = true;
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }

    /// <summary>
    /// pygrub's reading of "set NAME=VALUE": the name, and the value with one pair of
    /// surrounding quotes removed (from the first quote to the last of the same kind).
    /// Null for a "set" without a name (pygrub crashes there).
    /// </summary>
    public static (string Name, string Value)? SetArguments(string argument)
    {
        var parts = GrubWords.Split(argument, 2);
        if (parts.Count == 0) return null;
        string name = parts[0];
        string value = parts.Count switch
        {
            1 => "",
            2 => parts[1],
            // pygrub crashes on a second '='; grub keeps it as part of the value.
            _ => argument.Substring(argument.IndexOf('=') + 1),
        };
        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\''))
        {
            int last = value.LastIndexOf(value[0]);
            if (last > 0) value = value.Substring(1, last - 1);
        }
        return (name, value);
    }

    /// <summary>Expands $name and ${name}; null when a variable is unknown to us.</summary>
    public static string? Expand(string text, IReadOnlyDictionary<string, string> variables, ISet<string> knownEmpty)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '$') { sb.Append(c); continue; }
            string name;
            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                int close = text.IndexOf('}', i + 2);
                if (close < 0) return null;
                name = text.Substring(i + 2, close - i - 2);
                i = close;
            }
            else
            {
                int start = i + 1, end = start;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) end++;
                if (end == start) { sb.Append('$'); continue; }
                name = text.Substring(start, end - start);
                i = end - 1;
            }
            if (variables.TryGetValue(name, out var value)) sb.Append(value);
            else if (!knownEmpty.Contains(name)) return null;
        }
        return sb.ToString();
    }
}
