using Xeno.Config.Language;
using Xeno.Config.Tests.Language.Oracle;

namespace Xeno.Config.Tests.Language;

/// <summary>
/// The language's behaviour case by case. Expected lines are what Debian's libxlutil 4.17 prints
/// (errors and warnings) or stores (settings, in the oracle's dump format); the last test re-checks
/// every case against the live oracle.
/// </summary>
public sealed class LanguageBehaviourTests
{
    private sealed record Case(string Text, bool Success, string[] Expected);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["assignments"] = new("name = \"web\"\nmemory = 512\nvcpus='2'\n", true, ["set name 0 1 \"web\"@1.0", "set memory 0 2 \"512\"@2.0", "set vcpus 0 3 \"2\"@3.0"]),
        ["last line without newline"] = new("a = 1\nb = 2", true, ["set a 0 1 \"1\"@1.0", "set b 0 2 \"2\"@2.0"]),
        ["semicolons"] = new("a = 1; b = 2;;c=3", true, ["set a 0 1 \"1\"@1.0", "set b 0 1 \"2\"@1.0", "set c 0 1 \"3\"@1.0"]),
        ["last assignment wins"] = new("a = 1\nb = 2\na = 3\n", true, ["set a 0 3 \"3\"@3.0", "set b 0 2 \"2\"@2.0"]),
        ["all simple escapes"] = new("a = \"q\\\"q\\'\\\\ \\a\\b\\f\\n\\r\\t\\v\"\n", true, ["set a 0 1 \"q\\x22q'\\x5c \\x07\\x08\\x0c\\x0a\\x0d\\x09\\x0b\"@1.0"]),
        ["single quotes"] = new("a = 'it\\'s \"x\"'\n", true, ["set a 0 1 \"it's \\x22x\\x22\"@1.0"]),
        ["decimal escape is dropped"] = new("a = '<\\0123>'\nb = \"<\\7 99>\"\n", true, ["set a 0 1 \"<>\"@1.0", "set b 0 2 \"<>\"@2.0"]),
        ["short decimal escape"] = new("a = '\\1'\n", false, ["xl.cfg:1: config parsing error near `'\\1'': invalid digit after backslash octalnumerical character escape in quoted string"]),
        ["hex escape always rejected"] = new("a = \"\\x41\"\n", false, ["xl.cfg:1: config parsing error near `\"\\x41\"': invalid digit after backslash hexnumerical character escape in quoted string"]),
        ["invalid escape"] = new("a = 'x\\qy'\n", false, ["xl.cfg:1: config parsing error near `'x\\qy'': invalid character after backlash in quoted string"]),
        ["unterminated string"] = new("a = 'abc\nb = 1\n", false, ["xl.cfg:1: config parsing error near `'abc': lexical error"]),
        ["uppercase hex"] = new("a = 0xFF\n", false, ["xl.cfg:1: config parsing error near `FF': lexical error"]),
        ["uppercase key"] = new("Name = 'x'\n", false, ["xl.cfg:1: config parsing error near `Name': lexical error"]),
        ["bare word"] = new("type = hvm\n", false, ["xl.cfg:1: config parsing error near `hvm': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['"]),
        ["negative number"] = new("a = -1\n", false, ["xl.cfg:1: config parsing error near `-1': lexical error", "warning: Config file looks like it contains Python code.", "warning:  Arbitrary Python is no longer supported.", "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig"]),
        ["nested lists across lines"] = new("disk = [\n  'a',\n  [ 'b', 'c', ],\n  [],\n]\n", true, ["set disk 0 1 [\"a\"@2.0,[\"b\"@3.0,\"c\"@3.0]@3.0,[]@4.0]@2.0"]),
        ["empty list lines"] = new("a = [\n\n]\n", true, ["set a 0 1 []@3.0"]),
        ["comments"] = new("# header\na = 1 # trailing\n\n   # indented\nb = [ # in list\n 2 ]\n", true, ["set a 0 2 \"1\"@2.0", "set b 0 5 [\"2\"@6.0]@6.0"]),
        ["comment on last line without newline"] = new("a = 1\n# end", false, ["xl.cfg:2: config parsing error near `#': lexical error"]),
        ["hash alone at end"] = new("a = 1\n#", true, ["set a 0 1 \"1\"@1.0"]),
        ["comment after value at end"] = new("a = 1 # c", false, ["xl.cfg:1: config parsing error near `#': lexical error"]),
        ["plus equals strings"] = new("a = 'x'\na += 'y'\na += \"z\"\n", true, ["set a 1 3 \"xyz\"@3.0"]),
        ["plus equals lists"] = new("a = [1]\nb = 2\na += ['3', [4]]\n", true, ["set a 1 3 [\"1\"@1.0,\"3\"@3.0,[\"4\"@3.0]@3.0]@3.0", "set b 0 2 \"2\"@2.0"]),
        ["plus equals without previous"] = new("a += 'x'\nb += [1]\n", true, ["set a 1 1 \"x\"@1.0", "set b 1 2 [\"1\"@2.0]@2.0"]),
        ["plus equals mixing"] = new("a = 'x'\na += [1]\n", false, ["xl.cfg:2: config parsing error near `]': can't add [list] to \"string\" or vice versa"]),
        ["plus equals mixing list first"] = new("a = [1]\na += 'y'\n\n", false, ["xl.cfg:2: config parsing error near `'y'': can't add [list] to \"string\" or vice versa"]),
        ["error on every line"] = new("a = = 1\nb = 2\nc = ]\nd == 4\n", false, ["xl.cfg:1: config parsing error near `=': syntax error, unexpected '=', expecting STRING or NUMBER or '['", "xl.cfg:3: config parsing error near `]': syntax error, unexpected ']', expecting STRING or NUMBER or '['", "xl.cfg:4: config parsing error near `=': syntax error, unexpected '=', expecting STRING or NUMBER or '['"]),
        ["errors within three tokens of recovery"] = new("a==\n=\nb=1\n=\n", false, ["xl.cfg:1: config parsing error near `=': syntax error, unexpected '=', expecting STRING or NUMBER or '['", "xl.cfg:4: config parsing error near `=': syntax error, unexpected '=', expecting $end or IDENT or NEWLINE or ';'"]),
        ["missing value at newline"] = new("\n\na = \n\n", false, ["xl.cfg:2: config parsing error near <newline>: syntax error, unexpected NEWLINE, expecting STRING or NUMBER or '['"]),
        ["missing value at end"] = new("a =", false, ["xl.cfg:1: config parsing error near `': syntax error, unexpected $end, expecting STRING or NUMBER or '['"]),
        ["missing bracket at end"] = new("a = [1,\n", false, ["xl.cfg:1: config parsing error near `': syntax error, unexpected $end, expecting ']'"]),
        ["two values"] = new("a = 1 2\n", false, ["xl.cfg:1: config parsing error near `2': syntax error, unexpected NUMBER, expecting $end"]),
        ["key only"] = new("a\n", false, ["xl.cfg:0: config parsing error near <newline>: syntax error, unexpected NEWLINE, expecting += or '='"]),
        ["list without comma"] = new("a = [1 2]\n", false, ["xl.cfg:1: config parsing error near `2': syntax error, unexpected NUMBER, expecting ']'"]),
        ["leading comma"] = new("a = [,]\n", false, ["xl.cfg:1: config parsing error near `,': syntax error, unexpected ',', expecting ']'"]),
        ["double comma"] = new("a = [1,,2]\n", false, ["xl.cfg:1: config parsing error near `,': syntax error, unexpected ',', expecting ']'"]),
        ["extra bracket"] = new("a = [1]]\n", false, ["xl.cfg:1: config parsing error near `]': syntax error, unexpected ']', expecting $end"]),
        ["python call"] = new("kernel = os.path.join('/boot', 'vmlinuz')\n", false, ["xl.cfg:1: config parsing error near `os.path.join': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['", "xl.cfg:1: config parsing error near `('/boot',': lexical error", "xl.cfg:1: config parsing error near `)': lexical error", "warning: Config file looks like it contains Python code.", "warning:  Arbitrary Python is no longer supported.", "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig"]),
        ["python colon"] = new("a = 1\nif a: b = 2\n", false, ["xl.cfg:2: config parsing error near `a': syntax error, unexpected IDENT, expecting += or '='", "xl.cfg:2: config parsing error near `:': lexical error", "warning: Config file looks like it contains Python code.", "warning:  Arbitrary Python is no longer supported.", "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig"]),
        ["python char at end of file only"] = new("a = 1\n(", true, ["set a 0 1 \"1\"@1.0"]),
        ["lexical error then syntax error same line"] = new("a = $x 1\n", false, ["xl.cfg:1: config parsing error near `$x': lexical error"]),
        ["lexical error space split"] = new("a = $ 1\n", false, ["xl.cfg:1: config parsing error near `$': lexical error"]),
        ["lexical error at end of file"] = new("a = $", false, ["xl.cfg:1: config parsing error near `$': syntax error, unexpected $end, expecting STRING or NUMBER or '['"]),
        ["empty file"] = new("", true, []),
        ["only comments"] = new("# one\n# two\n", true, []),
        ["only newlines"] = new("\n\n\n", true, []),
        ["crlf"] = new("a = 1\r\nb = 2\r\n", false, ["xl.cfg:1: config parsing error near `\r': lexical error", "xl.cfg:2: config parsing error near `\r': lexical error"]),
        ["nul outside string"] = new("a = 1\0\nb = 2\n", false, ["xl.cfg:1: config parsing error near `': lexical error"]),
        ["nul only"] = new("\0", true, []),
        ["non-ascii in string"] = new("name = '\u00e9t\u00e9 \u2603'\n", true, ["set name 0 1 \"\\xc3\\xa9t\\xc3\\xa9 \\xe2\\x98\\x83\"@1.0"]),
        ["non-ascii bare"] = new("a = 1\n\u00e9\nb = 2\n", false, ["xl.cfg:2: config parsing error near `\u00e9': lexical error"]),
        ["non-ascii at end of file"] = new("a = 1\n\u00e9", false, ["xl.cfg:2: config parsing error near `\u00e9': lexical error"]),
        ["dotted and underscored keys"] = new("vif.default.script = 'vif-bridge'\nk_1.x_2 = 3\n", true, ["set vif.default.script 0 1 \"vif-bridge\"@1.0", "set k_1.x_2 0 2 \"3\"@2.0"]),
        ["tabs"] = new("\ta\t=\t1\t\n", true, ["set a 0 1 \"1\"@1.0"]),
        ["number with letters"] = new("a = 12abx\nb = 0x1f\n", true, ["set a 0 1 \"12abx\"@1.0", "set b 0 2 \"0x1f\"@2.0"]),
        ["error run ending at newline mutes next line"] = new("a = $\nb = = 1\nc = = 2\n", false, ["xl.cfg:1: config parsing error near `$': lexical error", "xl.cfg:3: config parsing error near `=': syntax error, unexpected '=', expecting STRING or NUMBER or '['"]),
        ["error run ending at blank does not mute next line"] = new("a = 1 $ \nb = = 1\n", false, ["xl.cfg:1: config parsing error near `$': lexical error", "xl.cfg:2: config parsing error near `=': syntax error, unexpected '=', expecting STRING or NUMBER or '['"]),
        ["first error poisons later escape checks"] = new("a = $\nb = \"\\q\"\n", false, ["xl.cfg:1: config parsing error near `$': lexical error"]),
        ["first error poisons later plus equals checks"] = new("a = 'x'\nz = = 1\n\n\n\na += [1]\n", false, ["xl.cfg:2: config parsing error near `=': syntax error, unexpected '=', expecting STRING or NUMBER or '['"]),
        ["escaped quote at end of line"] = new("a = 'x\\'\nb = 1\n", false, ["xl.cfg:1: config parsing error near `'x\\'': lexical error"]),
        ["python plus at end"] = new("a = 1 +\n", false, ["xl.cfg:1: config parsing error near `+': lexical error", "warning: Config file looks like it contains Python code.", "warning:  Arbitrary Python is no longer supported.", "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig"]),
        ["plus equals at start"] = new("+= 1\n", false, ["xl.cfg:1: config parsing error near `+=': syntax error, unexpected +=, expecting $end or IDENT or NEWLINE or ';'"]),
        ["semicolon after list then newline"] = new("a = [1];\nb = [\n];\n", true, ["set a 0 1 [\"1\"@1.0]@1.0", "set b 0 2 []@3.0"]),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ParsesLikeLibxlutil(string name)
    {
        var c = Cases[name];
        var result = ConfigParser.Parse(c.Text, "xl.cfg");
        Assert.Equal(c.Success, result.Success);
        var actual = result.Document is { } doc ? OracleFormat.Settings(doc) : result.DiagnosticLines();
        Assert.Equal(c.Expected, actual);
    }

    [Fact]
    public void EveryCaseAgreesWithTheOracle()
    {
        foreach (var c in Cases.Values) OracleAssert.SameAsOracle(c.Text, "xl.cfg");
    }
}
