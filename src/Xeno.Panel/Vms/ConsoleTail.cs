using System.Text;

namespace Xeno.Panel.Vms;

/// <summary>
/// The last lines of a guest's console output, as plain text for the info page: terminal escape
/// sequences and other control characters (the guest writes anything) are removed, carriage
/// returns end lines. Never throws; the page encodes the text it shows.
/// </summary>
public static class ConsoleTail
{
    public static string Of(string? output, int maxLines = 40, int maxChars = 8192)
    {
        if (string.IsNullOrEmpty(output))
            return "";
        var t = new StringBuilder(Math.Min(output.Length, maxChars * 2));
        for (int i = 0; i < output.Length; i++)
        {
            char c = output[i];
            if (c == '\u001b')
            {
                i = SkipEscape(output, i);
                continue;
            }
            if (c == '\r')
            {
                if (i + 1 < output.Length && output[i + 1] == '\n')
                    continue;
                t.Append('\n');
            }
            else if (c == '\n' || c == '\t' || !char.IsControl(c))
                t.Append(c);
        }
        var lines = t.ToString().Split('\n');
        var tail = string.Join('\n', lines.Skip(Math.Max(0, lines.Length - maxLines))).TrimEnd();
        return tail.Length > maxChars ? tail[^maxChars..] : tail;
    }

    /// <summary>The index of the last character of the escape sequence starting at <paramref name="i"/>.</summary>
    private static int SkipEscape(string s, int i)
    {
        if (i + 1 >= s.Length)
            return i;
        char kind = s[i + 1];
        if (kind == '[')
        {
            // CSI: parameters and intermediates, then one final byte from @ to ~.
            int j = i + 2;
            while (j < s.Length && (s[j] < '@' || s[j] > '~'))
                j++;
            return Math.Min(j, s.Length - 1);
        }
        if (kind == ']')
        {
            // OSC: up to BEL or ESC \.
            int j = i + 2;
            while (j < s.Length && s[j] != '\u0007' && !(s[j] == '\u001b' && j + 1 < s.Length && s[j + 1] == '\\'))
                j++;
            return j < s.Length && s[j] == '\u001b' ? j + 1 : Math.Min(j, s.Length - 1);
        }
        return i + 1;
    }
}
