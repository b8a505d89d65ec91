using System.Text;

namespace Xeno.Boot.Loaders;

/// <summary>
/// Brings a grub.cfg to one command per line, the form the grub.cfg reader (like pygrub) reads,
/// following GRUB 2's own lexer where pygrub reads lines literally: a backslash-newline joins
/// lines, ';' separates commands (except before then/do, which the if/for reader keeps on its
/// line), a '{' word ends a menuentry/submenu/function head even with the body after it on the
/// same line, a '}' word closes a block even after a command on the same line, a '{' alone on a
/// line (no head: a syntax error to GRUB) opens no block, and '#' at the start of a word starts a comment. Quotes
/// (single: nothing escaped; double and bare: backslash escapes) protect all of these. A line
/// with none of them comes out exactly as it went in.
/// </summary>
internal static class Grub2Lexer
{
    public static string Normalize(string text)
    {
        if (text.IndexOfAny([';', '{', '}', '\\', '#']) < 0) return text;
        var lines = new List<string>();
        var current = new StringBuilder();
        bool single = false, dbl = false;

        // GRUB 2.06 refuses a "{" with no head on its line ("menuentry 'T'" then "{" on the next
        // line: "no menuentry definition", "syntax error"): that entry does not exist, and when it
        // sits inside a submenu the whole top-level statement fails, the submenu and the entries
        // before it in it too. GRUB goes on with the next line: the body runs as top-level
        // commands, and a "}" closing nothing is another syntax error, skipped.
        int depth = 0, statementStart = -1;
        void Flush()
        {
            var line = current.ToString();
            current.Clear();
            var trimmed = line.Trim();
            if (trimmed == "{")
            {
                if (depth > 0)
                    for (int i = statementStart; i < lines.Count; i++) lines[i] = "";
                depth = 0;
                line = "";
            }
            else if (trimmed.EndsWith('{') && (trimmed.Length == 1 || trimmed[^2] is ' ' or '\t'))
            {
                if (depth++ == 0) statementStart = lines.Count;
            }
            else if (trimmed == "}")
            {
                if (depth > 0) depth--; else line = "";
            }
            lines.Add(line);
        }

        // An escaped blank ("a\\ }") is part of a word, not the end of one.
        int escapedAt = -1;
        bool WordStart() => current.Length == 0 || (current[^1] is ' ' or '\t' && escapedAt != current.Length - 1);
        // A backslash-newline is gone before GRUB's lexer sees the text: look through it.
        int SkipContinuations(int i)
        {
            while (i < text.Length && text[i] == '\\')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') i += 2;
                else if (i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n') i += 3;
                else break;
            }
            return i;
        }
        bool WordEndAt(int i)
        {
            i = SkipContinuations(i);
            return i >= text.Length || text[i] is ' ' or '\t' or '\n' or '\r' or ';';
        }
        bool RestOfLineBlank(int from)
        {
            for (int i = SkipContinuations(from); i < text.Length && text[i] != '\n'; i = SkipContinuations(i + 1))
                if (text[i] is not (' ' or '\t' or '\r')) return false;
            return true;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (single)
            {
                current.Append(c);
                if (c == '\'') single = false;
                continue;
            }
            if (c == '\\')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') { i++; continue; }
                if (i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n') { i += 2; continue; }
                current.Append(c);
                if (i + 1 < text.Length) current.Append(text[++i]);
                escapedAt = current.Length - 1;
                continue;
            }
            if (dbl)
            {
                current.Append(c);
                if (c == '"') dbl = false;
                continue;
            }
            switch (c)
            {
                case '\'': single = true; current.Append(c); break;
                case '"': dbl = true; current.Append(c); break;
                case '\n': Flush(); break;
                case '#' when WordStart() && current.ToString().Trim().Length > 0:
                    // A comment after a command: GRUB drops it (a whole comment line is left to the reader).
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '#' when WordStart():
                    while (i < text.Length && text[i] != '\n') current.Append(text[i++]);
                    i--;
                    break;
                case ';':
                    int word = NextWordAt(text, i + 1, "then", "do");
                    if (word < 0) { Flush(); break; }
                    // "if ...; then" stays one line (the if reader wants it so); a command after "then" starts the next.
                    int end = word + (text[word] == 't' ? 4 : 2);
                    current.Append(text, i, end - i);
                    i = end - 1;
                    if (!RestOfLineBlank(end)) Flush();
                    break;
                case '{' when WordStart() && WordEndAt(i + 1):
                    current.Append(c);
                    if (!RestOfLineBlank(i + 1)) Flush();
                    break;
                case '}' when WordStart() && WordEndAt(i + 1):
                    if (current.ToString().Trim().Length > 0) Flush();
                    current.Append(c);
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }
        if (current.Length > 0 || text.EndsWith('\n')) Flush();
        var result = string.Join('\n', lines);
        return result;
    }

    /// <summary>Where the next word starts if it is one of <paramref name="words"/>, else -1.</summary>
    private static int NextWordAt(string text, int from, params string[] words)
    {
        int i = from;
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        foreach (var w in words)
            if (string.CompareOrdinal(text, i, w, 0, w.Length) == 0 &&
                (i + w.Length >= text.Length || text[i + w.Length] is ' ' or '\t' or '\n' or '\r' or ';'))
                return i;
        return -1;
    }
}
