namespace Xeno.Boot.Loaders;

/// <summary>
/// The few Python string rules Xen's pygrub relies on (str.strip, str.split, int()),
/// so our parsers cut lines exactly where pygrub does.
/// </summary>
internal static class PyText
{
    /// <summary>Python's str.isspace for one character (also counts the \x1c-\x1f separators).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= '\x1c' && c <= '\x1f');

    public static string Strip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        return s.Substring(start, end - start);
    }

    /// <summary>str.split(None, maxsplit): runs of whitespace separate, leading whitespace dropped.</summary>
    public static List<string> SplitWhitespace(string s, int maxSplit = -1)
    {
        var parts = new List<string>();
        int i = 0, n = s.Length;
        while (i < n)
        {
            while (i < n && IsSpace(s[i])) i++;
            if (i >= n) break;
            if (maxSplit >= 0 && parts.Count == maxSplit)
            {
                // The remainder keeps its trailing whitespace, as in Python.
                parts.Add(s.Substring(i));
                return parts;
            }
            int start = i;
            while (i < n && !IsSpace(s[i])) i++;
            parts.Add(s.Substring(start, i - start));
        }
        return parts;
    }

    /// <summary>str.split(sep, maxsplit) for a one-character separator.</summary>
    public static List<string> Split(string s, char sep, int maxSplit = -1)
    {
        var parts = new List<string>();
        int start = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            int at = s.IndexOf(sep, start);
            if (at < 0) break;
            parts.Add(s.Substring(start, at - start));
            start = at + 1;
        }
        parts.Add(s.Substring(start));
        return parts;
    }

    /// <summary>Python's int(str) for base 10: surrounding whitespace, a sign, digits with single underscores.</summary>
    public static bool TryParseInt(string s, out long value)
    {
        value = 0;
        var t = Strip(s);
        int i = 0;
        bool negative = false;
        if (i < t.Length && (t[i] == '+' || t[i] == '-')) { negative = t[i] == '-'; i++; }
        if (i >= t.Length) return false;
        bool lastWasDigit = false;
        decimal acc = 0;
        for (; i < t.Length; i++)
        {
            char c = t[i];
            if (c == '_')
            {
                if (!lastWasDigit || i + 1 >= t.Length) return false;
                lastWasDigit = false;
                continue;
            }
            int d = char.IsDigit(c) ? (int)char.GetNumericValue(c) : -1;
            if (d < 0 || d > 9) return false;
            if (acc < 1e20m) acc = acc * 10 + d;
            lastWasDigit = true;
        }
        if (!lastWasDigit) return false;
        if (negative) acc = -acc;
        // Values beyond a long are out of any menu's range anyway; clamp them.
        value = acc > long.MaxValue ? long.MaxValue : acc < long.MinValue ? long.MinValue : (long)acc;
        return true;
    }
}
