using System.Text;

namespace Xeno.Config.Language;

/// <summary>
/// Table-driven LR parser that follows bison's yacc skeleton step by step (lookahead reading, default
/// reductions, "error NEWLINE" recovery, the three-token quiet period after an error, stack limit),
/// so that the same errors are reported in the same order as by libxlutil. It never recurses.
/// </summary>
internal sealed class ConfigGrammarParser
{
    private const int Empty = -2;

    private readonly ParseContext _ctx;
    private readonly ConfigLexer _lexer;
    private readonly SettingStore _store;

    // Stacks grow like bison's (from 200, doubling, up to MaxDepth) so small files stay cheap.
    private int[] _states = new int[200];
    private object?[] _values = new object?[200];
    private int[] _lines = new int[200];
    private int _top = -1;

    public ConfigGrammarParser(ParseContext ctx, ConfigLexer lexer, SettingStore store)
    {
        _ctx = ctx;
        _lexer = lexer;
        _store = store;
    }

    public void Run()
    {
        int lookahead = Empty;   // yychar: Empty or a Symbol
        object? lookaheadValue = null;
        int errorStatus = 0;     // tokens still to shift before errors are reported again
        int state = 0;
        object? pushValue = null;
        int pushLine = 1;

        while (true)
        {
            // yynewstate: push the state (with the value and line of the symbol that led to it).
            _top++;
            if (_top == _states.Length) Grow();
            _states[_top] = state;
            _values[_top] = pushValue;
            _lines[_top] = pushLine;
            if (_top + 1 >= ParserTables.MaxDepth)
            {
                _ctx.Report(_lexer.TokenLine, "memory exhausted");
                return;
            }
            if (state == ParserTables.FinalState) return;

            // yybackup: choose the action, reading a lookahead only when the state needs one.
            var row = ParserTables.States[state];
            int rule;
            if (row.Lookahead.Length == 0)
            {
                rule = row.DefaultRule;
            }
            else
            {
                if (lookahead == Empty)
                {
                    lookahead = (int)_lexer.Next();
                    lookaheadValue = _lexer.TokenValue;
                }
                int action = ParserTables.Lookup(row, (Symbol)lookahead);
                if (action > 0)
                {
                    if (errorStatus > 0) errorStatus--;
                    state = action;
                    pushValue = lookaheadValue;
                    pushLine = _lexer.TokenLine;
                    lookahead = Empty;
                    continue;
                }
                rule = action < 0 ? -action : row.DefaultRule;
            }

            if (rule == 0)
            {
                // yyerrlab
                if (errorStatus == 0) _ctx.Report(_lexer.TokenLine, SyntaxMessage(row, lookahead));
                if (errorStatus == 3)
                {
                    if (lookahead == (int)Symbol.End) return;
                    if (lookahead != Empty) lookahead = Empty;
                }
                // yyerrlab1: pop to a state that can shift the error token.
                errorStatus = 3;
                int target;
                while (true)
                {
                    target = ParserTables.Lookup(ParserTables.States[_states[_top]], Symbol.Error);
                    if (target > 0) break;
                    if (_top == 0) return;
                    _top--;
                }
                state = target;
                pushValue = null;
                pushLine = _lexer.TokenLine;
                continue;
            }

            // yyreduce
            var (lhs, length) = ParserTables.Rules[rule];
            int first = _top - length + 1; // index of the first right-hand symbol
            object? result = length > 0 ? _values[first] : null;
            int line = length > 0 ? _lines[first] : _lines[_top];
            result = Reduce(rule, first, result);
            _top -= length;
            state = ParserTables.Goto(_states[_top], lhs);
            pushValue = result;
            pushLine = line;
        }
    }

    private void Grow()
    {
        int size = Math.Min(_states.Length * 2, ParserTables.MaxDepth);
        Array.Resize(ref _states, size);
        Array.Resize(ref _values, size);
        Array.Resize(ref _lines, size);
    }

    private object? Reduce(int rule, int first, object? defaultValue)
    {
        switch (rule)
        {
            case 9:
                _store.Store((string?)_values[first], ConfigOperation.Assign, _values[first + 2] as ConfigValue, _lines[first + 2]);
                return defaultValue;
            case 10:
                _store.Store((string?)_values[first], ConfigOperation.Add, _values[first + 2] as ConfigValue, _lines[first + 2]);
                return defaultValue;
            case 13:
                return MakeString(_values[first] as AtomText, _lines[first]);
            case 14:
                return _values[first + 2];
            case 15:
                return _values[first] is string s ? new AtomText(s, false) : null;
            case 16:
                return _values[first] is string n ? new AtomText(n, true) : null;
            case 17:
                return _ctx.Failed ? null : new ConfigList([], _lexer.TokenLine);
            case 19:
                return _values[first];
            case 20:
                return _ctx.Failed || _values[first] is not ConfigValue v ? null : new ConfigList([v], _lines[first]);
            case 21:
                if (!_ctx.Failed && _values[first] is ConfigList list && _values[first + 3] is ConfigValue item) list.Append(item);
                return _values[first];
            default:
                return defaultValue;
        }
    }

    private ConfigString? MakeString(AtomText? atom, int line) =>
        _ctx.Failed || atom is null ? null : new ConfigString(atom.Text, atom.IsNumber, line);

    private static string SyntaxMessage(ParserTables.State row, int lookahead)
    {
        if (lookahead == Empty) return "syntax error";
        const int maxExpected = 4;
        var expected = new List<Symbol>();
        foreach (var e in row.Lookahead.OrderBy(e => e.Token))
            if (e.Token != Symbol.Error) expected.Add(e.Token);

        var sb = new StringBuilder("syntax error, unexpected ").Append(SymbolNames.Display((Symbol)lookahead));
        if (expected.Count <= maxExpected)
        {
            for (int i = 0; i < expected.Count; i++)
                sb.Append(i == 0 ? ", expecting " : " or ").Append(SymbolNames.Display(expected[i]));
        }
        return sb.ToString();
    }

    /// <summary>The text of a STRING or NUMBER token on its way to becoming a value.</summary>
    private sealed record AtomText(string Text, bool IsNumber);
}
