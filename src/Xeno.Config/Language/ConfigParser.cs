using System.Text;

namespace Xeno.Config.Language;

/// <summary>Entry point: parses xl.cfg text exactly as Xen 4.17's libxlutil does.</summary>
public static class ConfigParser
{
    /// <summary>
    /// Parses <paramref name="text"/>. <paramref name="sourceName"/> is the name errors and warnings
    /// quote (xl passes the config file name as the user gave it).
    /// </summary>
    public static ConfigParseResult Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);

        var ctx = new ParseContext(sourceName);
        var lexer = new ConfigLexer(text, ctx);
        ctx.Lexer = lexer;
        var store = new SettingStore(ctx);
        new ConfigGrammarParser(ctx, lexer, store).Run();

        return ctx.Failed
            ? new ConfigParseResult(null, ctx.Errors, ctx.LikelyPython)
            : new ConfigParseResult(store.ToDocument(sourceName), [], false);
    }

    /// <summary>
    /// The text xl parses for <c>xl create cfg key=value ...</c>: each override followed by a newline,
    /// the whole block appended after a newline and followed by one more (so overrides win; errors in
    /// them are reported with line numbers past the end of the file, under the file's name).
    /// Arguments without '=' are not overrides (xl treats them as the file name) and are ignored here.
    /// </summary>
    public static string AppendOverrides(string text, IEnumerable<string> keyValues)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(keyValues);

        var extra = new StringBuilder();
        foreach (var kv in keyValues)
            if (kv.Contains('=')) extra.Append(kv).Append('\n');
        if (extra.Length == 0) return text;
        return string.Concat(text, "\n", extra.ToString(), "\n");
    }
}
