namespace Xeno.Config.Language;

/// <summary>
/// State shared by scanner and parser during one parse, mirroring libxlutil's parse context: the first
/// error poisons the parse (later values are not built, later escape and += checks are skipped), and
/// at most one lexical error is reported per line.
/// </summary>
internal sealed class ParseContext
{
    private readonly string _source;
    private int _lexErrorLine = -1;

    public ParseContext(string source) => _source = source;

    public ConfigLexer Lexer { get; set; } = null!;

    /// <summary>True once any error was reported (libxlutil's ctx->err).</summary>
    public bool Failed { get; private set; }

    public bool LikelyPython { get; set; }

    public List<ConfigError> Errors { get; } = [];

    public void MarkFailed() => Failed = true;

    /// <summary>An error found by the scanner or a semantic check, reported at the scanner's current line.</summary>
    public void LexicalError(string message)
    {
        int line = Lexer.Line;
        Report(line, message);
        _lexErrorLine = line;
    }

    /// <summary>libxlutil's yyerror: formats the message from the current token text, or stays quiet.</summary>
    public void Report(int line, string message)
    {
        if (line <= _lexErrorLine) return;

        string text = Lexer.CurrentText;
        int len = text.Length;
        bool atNewline = false;
        if (len > 0 && text[len - 1] == '\n')
        {
            len--;
            line--;
            if (len == 0) atNewline = true;
        }
        while (len > 0 && text[len - 1] is '\t' or ' ') len--;

        string? near = null;
        if (!atNewline)
        {
            // C prints the text with %.*s, which stops at a NUL byte.
            var span = text.AsSpan(0, len);
            int nul = span.IndexOf('\0');
            near = (nul >= 0 ? span[..nul] : span).ToString();
        }
        Errors.Add(new ConfigError(_source, line, near, message));
        Failed = true;
    }
}
