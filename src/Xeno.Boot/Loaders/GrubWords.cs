namespace Xeno.Boot.Loaders;

/// <summary>
/// How grub configs split a line into command and argument, as pygrub does: on the first
/// '=' when it comes before any blank (so "default=1" works), otherwise on whitespace.
/// </summary>
internal static class GrubWords
{
    public static List<string> Split(string s, int maxSplit = -1)
    {
        int eq = s.IndexOf('=');
        if (eq == -1) return PyText.SplitWhitespace(s, maxSplit);
        int sp = s.IndexOf(' ');
        int tab = s.IndexOf('\t');
        if ((tab != -1 && tab < sp) || (tab != -1 && sp == -1)) sp = tab;
        if ((eq < sp) || sp == -1) return PyText.Split(s, '=', maxSplit);
        return PyText.SplitWhitespace(s, maxSplit);
    }

    /// <summary>Command and argument; missing parts are empty strings.</summary>
    public static (string Command, string Argument) CommandAndArgument(string line)
    {
        var parts = Split(line, 1);
        return (parts.Count > 0 ? parts[0] : "", parts.Count > 1 ? parts[1] : "");
    }
}
