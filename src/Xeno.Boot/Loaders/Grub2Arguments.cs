using System.Text;

namespace Xeno.Boot.Loaders;

/// <summary>
/// A grub2 "linux" line's arguments as GRUB 2 hands them to the kernel, where pygrub passes the
/// text literally: GRUB's lexer makes the words (quotes removed, backslash escapes undone,
/// $name and ${name} expanded, an unquoted expansion split on blanks, an unknown variable
/// empty), and its loader joins them again (grub_create_loader_cmdline: '\', '\'' and '"'
/// escaped with a backslash, a word holding a blank wrapped in double quotes).
/// </summary>
internal static class Grub2Arguments
{
    /// <summary>Whether GRUB reads the text other than literally (quotes, escapes, variables).</summary>
    public static bool NeedsGrubReading(string text) => text.AsSpan().IndexOfAny("\"'\\$") >= 0;

    /// <summary>The command line GRUB's loader makes of these words.</summary>
    public static string LoaderCommandLine(IEnumerable<string> words)
    {
        var sb = new StringBuilder();
        foreach (var w in words)
        {
            if (sb.Length > 0) sb.Append(' ');
            bool space = w.Contains(' ');
            if (space) sb.Append('"');
            foreach (char c in w)
            {
                if (c is '\\' or '\'' or '"') sb.Append('\\');
                sb.Append(c);
            }
            if (space) sb.Append('"');
        }
        return sb.ToString();
    }

    /// <summary>GRUB's words of <paramref name="text"/>; <paramref name="lookup"/> gives a variable's value (null: unset, empty).</summary>
    public static List<string> Words(string text, Func<string, string?> lookup)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        void End()
        {
            if (inWord) words.Add(current.ToString());
            current.Clear();
            inWord = false;
        }
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    End();
                    break;
                case '\\':
                    if (i + 1 < text.Length) current.Append(text[++i]);
                    inWord = true;
                    break;
                case '\'':
                {
                    int close = text.IndexOf('\'', i + 1);
                    if (close < 0) close = text.Length;
                    current.Append(text, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                }
                case '"':
                {
                    inWord = true;
                    for (i++; i < text.Length && text[i] != '"'; i++)
                    {
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '\\' or '"' or '$') { current.Append(text[++i]); continue; }
                        if (text[i] == '$' && Variable(text, i, lookup) is var (value, end) && end > i) { current.Append(value); i = end - 1; continue; }
                        current.Append(text[i]);
                    }
                    break;
                }
                case '$' when Variable(text, i, lookup) is var (value, end) && end > i:
                {
                    // Unquoted: the value's blanks separate words.
                    i = end - 1;
                    var parts = value.Split([' ', '\t', '\n'], StringSplitOptions.None);
                    for (int p = 0; p < parts.Length; p++)
                    {
                        if (p > 0) End();
                        if (parts[p].Length > 0) { current.Append(parts[p]); inWord = true; }
                    }
                    break;
                }
                default:
                    current.Append(c);
                    inWord = true;
                    break;
            }
        }
        End();
        return words;
    }

    /// <summary>$name or ${name} at <paramref name="at"/>: its value ("" when unset) and the index after it; end == at when no variable is there.</summary>
    private static (string Value, int End) Variable(string text, int at, Func<string, string?> lookup)
    {
        int i = at + 1;
        if (i < text.Length && text[i] == '{')
        {
            int close = text.IndexOf('}', i + 1);
            if (close < 0) return ("", at);
            return (lookup(text.Substring(i + 1, close - i - 1)) ?? "", close + 1);
        }
        int start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        if (i == start) return ("", at);
        return (lookup(text.Substring(start, i - start)) ?? "", i);
    }
}
