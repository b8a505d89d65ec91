namespace Xeno.Boot.Loaders;

/// <summary>
/// grub2's grubenv block: "# GRUB Environment Block" then NAME=VALUE lines, padded with '#'.
/// Values keep grub's backslash escapes undone (\\, \n).
/// </summary>
public static class GrubEnvironment
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            if (raw.Length == 0 || raw[0] == '#') continue;
            int eq = raw.IndexOf('=');
            if (eq <= 0) continue;
            values[raw.Substring(0, eq)] = Unescape(raw.Substring(eq + 1));
        }
        return values;
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
                sb.Append(s[i] == 'n' ? '\n' : s[i]);
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
