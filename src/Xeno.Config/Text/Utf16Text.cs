using System.Globalization;
using System.Text;

namespace Xeno.Config.Text;

/// <summary>Checks and display of names that reach file names, logs and terminals.</summary>
public static class Utf16Text
{
    /// <summary>False when <paramref name="s"/> has a lone surrogate, which UTF-8 cannot encode
    /// (it would become U+FFFD, so two different names could map to one file).</summary>
    public static bool IsWellFormed(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    /// <summary>
    /// <paramref name="s"/> with control characters, line separators and lone surrogates written as
    /// \u escapes, so a refused name never reaches a terminal as an escape sequence.
    /// </summary>
    public static string Shown(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                sb.Append(c).Append(s[++i]);
            else if (IsControlLike(c) || char.IsSurrogate(c))
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else
                sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>C0/C1 controls and DEL, and the Unicode line and paragraph separators, which break
    /// log lines and xl's tables as '\n' does.</summary>
    public static bool IsControlLike(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
