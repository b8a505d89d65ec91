namespace Xeno.Panel.Tests.Support;

/// <summary>How often a text holds a part (a question the menu asked again, a message repeated).</summary>
internal static class Occurrences
{
    public static int Of(string text, string part)
    {
        int n = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            n++;
        return n;
    }
}
