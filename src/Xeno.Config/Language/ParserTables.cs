namespace Xeno.Config.Language;

/// <summary>
/// The LALR(1) automaton of the xl.cfg grammar, with bison's default reductions, so that errors are
/// detected in the same state as in libxlutil and list the same expected tokens.
/// <code>
///  1 $accept   : file $end
///  2 file      : stmts                      3 | stmts assignment
///  4 stmts     : (empty)                    5 | stmts stmt
///  6 stmt      : assignment endstmt         7 | endstmt            8 | error NEWLINE
///  9 assignment: IDENT '=' value           10 | IDENT "+=" value
/// 11 endstmt   : NEWLINE                   12 | ';'
/// 13 value     : atom                      14 | '[' nlok valuelist ']'
/// 15 atom      : STRING                    16 | NUMBER
/// 17 valuelist : (empty)                   18 | values            19 | values ',' nlok
/// 20 values    : value nlok                21 | values ',' nlok value nlok
/// 22 nlok      : (empty)                   23 | nlok NEWLINE
/// </code>
/// </summary>
internal static class ParserTables
{
    public const int FinalState = 3;

    /// <summary>libxlutil's parser stack limit (bison's YYMAXDEPTH); reaching it is "memory exhausted".</summary>
    public const int MaxDepth = 10000;

    /// <summary>An action on a lookahead: positive = shift to that state, negative = reduce by that rule.</summary>
    public readonly record struct Entry(Symbol Token, int Action);

    public sealed record State(Entry[] Lookahead, int DefaultRule);

    private static Entry S(Symbol t, int state) => new(t, state);
    private static Entry R(Symbol t, int rule) => new(t, -rule);

    // Comments give the kernel items of each state ('.' marks the position).
    public static readonly State[] States =
    [
        /*  0 $accept: . file $end */                   new([], 4),
        /*  1 $accept: file . $end */                   new([S(Symbol.End, 3)], 0),
        /*  2 file: stmts . | stmts . assignment; stmts: stmts . stmt */
        new([R(Symbol.End, 2), S(Symbol.Error, 4), S(Symbol.Ident, 5), S(Symbol.Newline, 6), S(Symbol.Semicolon, 7)], 0),
        /*  3 $accept: file $end . */                   new([], 1),
        /*  4 stmt: error . NEWLINE */                  new([S(Symbol.Newline, 11)], 0),
        /*  5 assignment: IDENT . '=' value | IDENT . "+=" value */
        new([S(Symbol.AddAssign, 12), S(Symbol.Assign, 13)], 0),
        /*  6 endstmt: NEWLINE . */                     new([], 11),
        /*  7 endstmt: ';' . */                         new([], 12),
        /*  8 stmts: stmts stmt . */                    new([], 5),
        /*  9 file: stmts assignment . ; stmt: assignment . endstmt */
        new([S(Symbol.Newline, 6), S(Symbol.Semicolon, 7)], 3),
        /* 10 stmt: endstmt . */                        new([], 7),
        /* 11 stmt: error NEWLINE . */                  new([], 8),
        /* 12 assignment: IDENT "+=" . value */         new([S(Symbol.String, 15), S(Symbol.Number, 16), S(Symbol.OpenBracket, 17)], 0),
        /* 13 assignment: IDENT '=' . value */          new([S(Symbol.String, 15), S(Symbol.Number, 16), S(Symbol.OpenBracket, 17)], 0),
        /* 14 stmt: assignment endstmt . */             new([], 6),
        /* 15 atom: STRING . */                         new([], 15),
        /* 16 atom: NUMBER . */                         new([], 16),
        /* 17 value: '[' . nlok valuelist ']' */        new([], 22),
        /* 18 assignment: IDENT "+=" value . */         new([], 10),
        /* 19 value: atom . */                          new([], 13),
        /* 20 assignment: IDENT '=' value . */          new([], 9),
        /* 21 value: '[' nlok . valuelist ']'; nlok: nlok . NEWLINE */
        new([S(Symbol.String, 15), S(Symbol.Number, 16), S(Symbol.Newline, 22), S(Symbol.OpenBracket, 17)], 17),
        /* 22 nlok: nlok NEWLINE . */                   new([], 23),
        /* 23 values: value . nlok */                   new([], 22),
        /* 24 value: '[' nlok valuelist . ']' */        new([S(Symbol.CloseBracket, 27)], 0),
        /* 25 valuelist: values . | values . ',' nlok; values: values . ',' nlok value nlok */
        new([S(Symbol.Comma, 28)], 18),
        /* 26 values: value nlok . ; nlok: nlok . NEWLINE */
        new([S(Symbol.Newline, 22)], 20),
        /* 27 value: '[' nlok valuelist ']' . */        new([], 14),
        /* 28 valuelist: values ',' . nlok; values: values ',' . nlok value nlok */
        new([], 22),
        /* 29 valuelist: values ',' nlok . ; values: values ',' nlok . value nlok; nlok: nlok . NEWLINE */
        new([S(Symbol.String, 15), S(Symbol.Number, 16), S(Symbol.Newline, 22), S(Symbol.OpenBracket, 17)], 19),
        /* 30 values: values ',' nlok value . nlok */   new([], 22),
        /* 31 values: values ',' nlok value nlok . ; nlok: nlok . NEWLINE */
        new([S(Symbol.Newline, 22)], 21),
    ];

    /// <summary>Left-hand side and right-hand side length of each rule (index = rule number).</summary>
    public static readonly (Symbol Lhs, int Length)[] Rules =
    [
        (Symbol.Accept, 0),
        (Symbol.Accept, 2), (Symbol.File, 1), (Symbol.File, 2), (Symbol.Stmts, 0), (Symbol.Stmts, 2),
        (Symbol.Stmt, 2), (Symbol.Stmt, 1), (Symbol.Stmt, 2), (Symbol.Assignment, 3), (Symbol.Assignment, 3),
        (Symbol.EndStmt, 1), (Symbol.EndStmt, 1), (Symbol.Value, 1), (Symbol.Value, 4), (Symbol.Atom, 1),
        (Symbol.Atom, 1), (Symbol.ValueList, 0), (Symbol.ValueList, 1), (Symbol.ValueList, 3), (Symbol.Values, 2),
        (Symbol.Values, 5), (Symbol.NewlinesOk, 0), (Symbol.NewlinesOk, 2),
    ];

    /// <summary>The state reached after reducing to <paramref name="lhs"/> on top of <paramref name="state"/>.</summary>
    public static int Goto(int state, Symbol lhs) => lhs switch
    {
        Symbol.File => 1,
        Symbol.Stmts => 2,
        Symbol.Stmt => 8,
        Symbol.Assignment => 9,
        Symbol.EndStmt => state == 9 ? 14 : 10,
        Symbol.Value => state switch { 13 => 20, 21 => 23, 29 => 30, _ => 18 },
        Symbol.Atom => 19,
        Symbol.ValueList => 24,
        Symbol.Values => 25,
        Symbol.NewlinesOk => state switch { 23 => 26, 28 => 29, 30 => 31, _ => 21 },
        _ => throw new InvalidOperationException($"no goto on {lhs}"),
    };

    /// <summary>The action for <paramref name="token"/> in <paramref name="state"/>, or 0 when the default applies.</summary>
    public static int Lookup(State state, Symbol token)
    {
        foreach (var e in state.Lookahead)
            if (e.Token == token) return e.Action;
        return 0;
    }
}
