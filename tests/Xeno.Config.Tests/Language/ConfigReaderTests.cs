using Xeno.Config.Language;
using Xeno.Config.Tests.Language.Oracle;

namespace Xeno.Config.Tests.Language;

/// <summary>Typed getters: values, and the exact warnings libxlutil 4.17 prints for the same calls.</summary>
public sealed class ConfigReaderTests
{
    private const string Text =
        "dec = 42\nhex = 0x1f\noct = 017\nbadoct = 08\nneg = \"-12\"\nspace = \" 7\"\ntrail = \"7 \"\nempty = \"\"\n" +
        "word = \"abc\"\nbig = 9223372036854775807\nhuge = 9223372036854775808\nnbig = \"-9223372036854775808\"\n" +
        "nhuge = \"-9223372036854775809\"\nhexonly = 0x\nzero = 0\nlst = [1, \"two\", [3], \"four\"]\nemptylist = []\n" +
        "added = 5\nadded += 6\nnew += 7\nplus = \"+0x10\"\n";

    private static ConfigReader Reader() => new(ConfigParser.Parse(Text, "r.cfg").Document!);

    [Theory]
    [InlineData("dec", 42L)]
    [InlineData("hex", 31L)]
    [InlineData("oct", 15L)]
    [InlineData("neg", -12L)]
    [InlineData("space", 7L)]
    [InlineData("big", long.MaxValue)]
    [InlineData("nbig", long.MinValue)]
    [InlineData("plus", 16L)]
    [InlineData("zero", 0L)]
    public void LongsFollowStrtolBase0(string key, long expected)
    {
        var r = Reader();
        Assert.True(r.TryGetLong(key, out var v));
        Assert.Equal(expected, v);
        Assert.Empty(r.Warnings);
    }

    [Theory]
    [InlineData("badoct", "r.cfg:4: warning: parameter `badoct' is not a valid number")]
    [InlineData("trail", "r.cfg:7: warning: parameter `trail' is not a valid number")]
    [InlineData("empty", "r.cfg:8: warning: parameter `empty' is not a valid number")]
    [InlineData("word", "r.cfg:9: warning: parameter `word' is not a valid number")]
    [InlineData("hexonly", "r.cfg:14: warning: parameter `hexonly' is not a valid number")]
    [InlineData("huge", "r.cfg:11: warning: parameter `huge' could not be parsed as a number: Numerical result out of range")]
    [InlineData("nhuge", "r.cfg:13: warning: parameter `nhuge' could not be parsed as a number: Numerical result out of range")]
    [InlineData("lst", "r.cfg:16: warning: parameter `lst' is a list but should be a single value")]
    [InlineData("added", "r.cfg:19: warning: can't use += with numbers for parameter `added'")]
    [InlineData("new", "r.cfg:20: warning: can't use += with numbers for parameter `new'")]
    public void BadLongsWarnExactly(string key, string warning)
    {
        var r = Reader();
        Assert.False(r.TryGetLong(key, out _));
        Assert.Equal([warning], r.Warnings);

        var quiet = Reader();
        Assert.False(quiet.TryGetLong(key, out _, dontWarn: true));
        Assert.Empty(quiet.Warnings);
    }

    [Fact]
    public void MissingKeysFailSilently()
    {
        var r = Reader();
        Assert.False(r.Has("missing"));
        Assert.False(r.TryGetLong("missing", out _));
        Assert.False(r.TryGetString("missing", out _));
        Assert.False(r.TryGetList("missing", out _));
        Assert.False(r.TryGetStringList("missing", out _));
        Assert.False(r.TryGetBool("missing", out _));
        Assert.False(r.TryGetValue("missing", out _));
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void BoolsAreLongsNotZero()
    {
        var r = Reader();
        Assert.True(r.TryGetBool("dec", out var t));
        Assert.True(t);
        Assert.True(r.TryGetBool("zero", out var f));
        Assert.False(f);
        Assert.False(r.TryGetBool("word", out _));
        Assert.Equal(["r.cfg:9: warning: parameter `word' is not a valid number"], r.Warnings);
    }

    [Fact]
    public void BoundedLongsReportTheBound()
    {
        var r = Reader();
        Assert.False(r.TryGetBoundedLong("dec", 0, 10, out _));
        Assert.False(r.TryGetBoundedLong("dec", 50, 100, out _));
        Assert.True(r.TryGetBoundedLong("neg", -12, -12, out var v));
        Assert.Equal(-12, v);
        Assert.Equal(
        [
            "r.cfg:1: warning: value `42' is greater than maximum bound '10'",
            "r.cfg:1: warning: value `42' is smaller than minimum bound '50'",
        ], r.Warnings);
    }

    [Fact]
    public void StringsAndConcatenation()
    {
        var r = Reader();
        Assert.True(r.TryGetString("added", out var s));
        Assert.Equal("56", s);
        Assert.True(r.TryGetString("dec", out var d));
        Assert.Equal("42", d);
        Assert.False(r.TryGetString("lst", out _));
        Assert.Equal(["r.cfg:16: warning: parameter `lst' is a list but should be a single value"], r.Warnings);
    }

    [Fact]
    public void ListsAndStringLists()
    {
        var r = Reader();
        Assert.True(r.TryGetList("lst", out var list));
        Assert.Equal(4, list.Items.Count);
        Assert.Equal(["1", "two", null, "four"], Enumerable.Range(0, 4).Select(list.StringAt));
        // Like libxlutil's NULL-terminated array, the string list stops at the nested list.
        Assert.True(r.TryGetStringList("lst", out var strings));
        Assert.Equal(["1", "two"], strings);
        Assert.True(r.TryGetStringList("emptylist", out var none));
        Assert.Empty(none);
        Assert.False(r.TryGetList("dec", out _));
        Assert.Equal(["r.cfg:1: warning: parameter `dec' is a single value but should be a list"], r.Warnings);
    }

    [Fact]
    public void ListOrStringFormNeverWarns()
    {
        var r = Reader();
        Assert.True(r.TryGetListOrString("lst", out var fromList, out var wasList));
        Assert.True(wasList);
        Assert.Equal(["1", "two"], fromList);
        Assert.True(r.TryGetListOrString("word", out var single, out wasList));
        Assert.False(wasList);
        Assert.Equal(["abc"], single);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void ValueLevelGettersWarnWithLineAndColumnZero()
    {
        var r = Reader();
        Assert.True(r.TryGetList("lst", out var list));
        Assert.False(r.TryGetValueString(list.Items[2], out _));
        Assert.True(r.TryGetValueList(list.Items[2], out var inner));
        Assert.Equal("3", inner.StringAt(0));
        Assert.False(r.TryGetValueList(list.Items[1], out _));
        Assert.Equal(
        [
            "r.cfg:16:0: warning: value is not a string",
            "r.cfg:16:0: warning: value is not a list",
        ], r.Warnings);
    }

    [Fact]
    public void SettingsKeepOperatorAndLine()
    {
        var doc = ConfigParser.Parse(Text, "r.cfg").Document!;
        Assert.True(doc.TryGet("added", out var added));
        Assert.Equal(ConfigOperation.Add, added.Operation);
        Assert.Equal(19, added.Line);
        Assert.Equal("dec", doc.Settings[0].Key);
        Assert.Equal(20, doc.Settings.Count); // 21 lines, "added" twice
    }

    [Fact]
    public void EveryGetterAgreesWithTheOracle()
    {
        var doc = ConfigParser.Parse(Text, "r.cfg").Document!;
        string[] queries =
        [
            .. doc.Settings.SelectMany(s => new[] { "long:", "string:", "list:", "strlist:", "bool:", "quiet-long:" }.Select(k => k + s.Key)),
            "blong:dec:0:10", "blong:dec:50:100", "blong:neg:-12:-12", "long:missing",
        ];
        var run = XluOracle.Run(Text, "r.cfg", queries);
        Assert.Equal(run.QueryLines.Select(OracleFormat.NormaliseOracleLine), queries.SelectMany(q => OracleFormat.Query(doc, q)));
    }
}
