namespace Xeno.Config.Language;

/// <summary>Grammar symbols, numbered as the grammar's terminals and nonterminals are in libxlutil's parser.</summary>
internal enum Symbol
{
    End = 0,
    Error = 1,
    Undefined = 2,
    Ident = 3,
    String = 4,
    Number = 5,
    Newline = 6,
    AddAssign = 7,
    Assign = 8,
    Semicolon = 9,
    OpenBracket = 10,
    CloseBracket = 11,
    Comma = 12,

    // Nonterminals.
    Accept = 13,
    File = 14,
    Stmts = 15,
    Stmt = 16,
    Assignment = 17,
    EndStmt = 18,
    Value = 19,
    Atom = 20,
    ValueList = 21,
    Values = 22,
    NewlinesOk = 23,
}

internal static class SymbolNames
{
    /// <summary>Names as bison spells them in "unexpected X, expecting Y" messages.</summary>
    public static string Display(Symbol s) => s switch
    {
        Symbol.End => "$end",
        Symbol.Error => "error",
        Symbol.Undefined => "$undefined",
        Symbol.Ident => "IDENT",
        Symbol.String => "STRING",
        Symbol.Number => "NUMBER",
        Symbol.Newline => "NEWLINE",
        Symbol.AddAssign => "+=",
        Symbol.Assign => "'='",
        Symbol.Semicolon => "';'",
        Symbol.OpenBracket => "'['",
        Symbol.CloseBracket => "']'",
        Symbol.Comma => "','",
        _ => s.ToString(),
    };
}
