namespace Xeno.Config.Language;

/// <summary>
/// The xl.cfg scanner. It reproduces libxlutil's flex scanner token for token, including its quirks:
/// an unknown character starts an error run that swallows the rest of the word, a comment must end
/// in a newline, and line numbers advance exactly where flex advances them.
/// </summary>
internal sealed class ConfigLexer
{
    private readonly string _text;
    private readonly ParseContext _ctx;
    private int _pos;
    private bool _inErrorRun;       // flex start condition "lexerr"
    private int _moreStart = -1;    // start of text kept by yymore(), or -1
    private bool _runHasMoreBytes;  // the error run began with a non-ASCII character (several UTF-8 bytes)

    public ConfigLexer(string text, ParseContext ctx)
    {
        _text = text;
        _ctx = ctx;
    }

    /// <summary>yylineno: the scanner's current line.</summary>
    public int Line { get; private set; } = 1;

    /// <summary>yylloc.first_line of the last token returned (kept as is at end of input).</summary>
    public int TokenLine { get; private set; } = 1;

    /// <summary>yytext: the text of the last rule matched. At end of input it ends with the NUL flex leaves there.</summary>
    public string CurrentText => _textAtEnd
        ? string.Concat(_text.AsSpan(_textStart, _textLength), "\0")
        : _text.Substring(_textStart, _textLength);

    // yytext is kept as a range and only turned into a string when an error message needs it.
    private int _textStart;
    private int _textLength;
    private bool _textAtEnd;

    private void SetText(int start, bool atEnd = false)
    {
        _textStart = start;
        _textLength = _pos - start;
        _textAtEnd = atEnd;
    }

    /// <summary>The semantic value of the last IDENT, NUMBER or STRING (null once the parse has failed).</summary>
    public string? TokenValue { get; private set; }

    public Symbol Next()
    {
        while (true)
        {
            int start = _moreStart >= 0 ? _moreStart : _pos;
            _moreStart = -1;

            if (_pos >= _text.Length)
            {
                if (_inErrorRun && _runHasMoreBytes)
                {
                    // libxlutil scans bytes: the rest of a multi-byte character still forms an error word.
                    SetText(start);
                    _ctx.LexicalError("lexical error");
                    _inErrorRun = false;
                    continue;
                }
                SetText(start, atEnd: true);
                return Symbol.End;
            }

            char c = _text[_pos];
            if (_inErrorRun)
            {
                if (c == '\n' && !_runHasMoreBytes)
                {
                    _pos++;
                    Line++;
                    SetText(start);
                    _ctx.LexicalError("lexical error");
                    _inErrorRun = false;
                    TokenLine = Line;
                    return Symbol.Newline;
                }
                if (_runHasMoreBytes && c is ' ' or '\t' or '\n')
                {
                    // The rest of the multi-byte character is the error word; the blank or newline stays.
                    SetText(start);
                    _ctx.LexicalError("lexical error");
                    _inErrorRun = false;
                    continue;
                }
                if (c is ' ' or '\t') _pos++;
                else
                    while (_pos < _text.Length && _text[_pos] is not (' ' or '\t' or '\n')) _pos++;
                SetText(start);
                _ctx.LexicalError("lexical error");
                _inErrorRun = false;
                continue;
            }

            switch (c)
            {
                case >= 'a' and <= 'z':
                    _pos++;
                    while (_pos < _text.Length && _text[_pos] is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_') _pos++;
                    return Word(start, Symbol.Ident);
                case >= '0' and <= '9':
                    _pos++;
                    while (_pos < _text.Length && _text[_pos] is (>= '0' and <= '9') or (>= 'a' and <= 'f') or 'x') _pos++;
                    return Word(start, Symbol.Number);
                case ' ' or '\t':
                    _pos++;
                    SetText(start);
                    continue;
                case ',': return Punct(start, Symbol.Comma);
                case '[': return Punct(start, Symbol.OpenBracket);
                case ']': return Punct(start, Symbol.CloseBracket);
                case '=': return Punct(start, Symbol.Assign);
                case ';': return Punct(start, Symbol.Semicolon);
                case '+' when _pos + 1 < _text.Length && _text[_pos + 1] == '=':
                    _pos++;
                    return Punct(start, Symbol.AddAssign);
                case '\n':
                    _pos++;
                    return NewlineToken(start);
                case '#':
                {
                    int nl = NextNewline();
                    if (nl < 0) break; // a comment must end in a newline; else '#' is a bad character
                    _pos = nl + 1;
                    return NewlineToken(start);
                }
                case '\'' or '"':
                {
                    int end = QuotedEnd(_pos);
                    if (end < 0) break;
                    _pos = end;
                    SetText(start);
                    TokenValue = StringDequoter.Dequote(_text.Substring(start, _pos - start), _ctx);
                    TokenLine = Line;
                    return Symbol.String;
                }
            }

            // Any other character starts an error run; Python-looking ones are remembered for the warning.
            if (c is '+' or '-' or '.' or '(' or ')' or ':') _ctx.LikelyPython = true;
            _pos++;
            _inErrorRun = true;
            _runHasMoreBytes = c >= 0x80;
            _moreStart = start;
        }
    }

    private Symbol Word(int start, Symbol kind)
    {
        SetText(start);
        TokenValue = _ctx.Failed ? null : _text.Substring(start, _pos - start);
        TokenLine = Line;
        return kind;
    }

    private Symbol Punct(int start, Symbol kind)
    {
        _pos++;
        SetText(start);
        TokenLine = Line;
        return kind;
    }

    private Symbol NewlineToken(int start)
    {
        SetText(start);
        Line++;
        TokenLine = Line - 1;
        return Symbol.Newline;
    }

    private int _nextNewline = -2; // cached position of the next '\n' at or after _pos (-1: none)

    private int NextNewline()
    {
        // Cached so that many '#' on one unterminated last line stay linear.
        if (_nextNewline == -2 || (_nextNewline >= 0 && _nextNewline < _pos)) _nextNewline = _text.IndexOf('\n', _pos);
        return _nextNewline;
    }

    /// <summary>End (exclusive) of a quoted string starting at <paramref name="open"/>, or -1 if it is not closed on this line.</summary>
    private int QuotedEnd(int open)
    {
        char quote = _text[open];
        int i = open + 1;
        while (i < _text.Length)
        {
            char ch = _text[i];
            if (ch == quote) return i + 1;
            if (ch == '\n') return -1;
            if (ch == '\\')
            {
                if (i + 1 >= _text.Length || _text[i + 1] == '\n') return -1;
                i += 2;
                continue;
            }
            i++;
        }
        return -1;
    }
}
