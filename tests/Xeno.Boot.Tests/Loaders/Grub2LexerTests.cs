using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

/// <summary>
/// GRUB 2's line structure (Grub2Lexer) as the GRUB differential test found it matters: one-line
/// entries, the brace on the next line, ';', backslash continuations, comments after commands.
/// </summary>
public class Grub2LexerTests
{
    [Fact]
    public void LeavesConfigsWithoutGrubOnlySyntaxAlone()
    {
        Assert.Equal(Grub2ParserTests.Debian, Grub2Lexer.Normalize(Grub2ParserTests.Debian));
        const string text = "set default=0\nmenuentry 'a;b {c}' {\n\tlinux /k x=${v} y#z\n}\n";
        Assert.Equal(text, Grub2Lexer.Normalize(text));
    }

    [Theory]
    [InlineData("menuentry 'A' { linux /k a; initrd /i; }\n", "menuentry 'A' {\n linux /k a\n initrd /i\n }\n")]
    // GRUB 2.06 refuses a "{" on the line after the head: no entry, the body runs at the top level.
    [InlineData("menuentry 'A' --id a\n{\n  linux /k\n}\n", "menuentry 'A' --id a\n\n  linux /k\n\n")]
    [InlineData("menuentry 'A' {\n{\n}\n}\n", "\n\n\n\n")]
    [InlineData("}\nmenuentry 'A' {\n}\n}\n", "\nmenuentry 'A' {\n}\n\n")]
    [InlineData("linux /k a \\\n\tb\n", "linux /k a \tb\n")]
    [InlineData("set default=1; set timeout=0\n", "set default=1\n set timeout=0\n")]
    [InlineData("if [ -s $prefix/grubenv ]; then load_env; fi\n", "if [ -s $prefix/grubenv ]; then\n load_env\n fi\n")]
    [InlineData("linux /k ro # quiet\n", "linux /k ro \n")]
    [InlineData("linux /k \"a;b\" 'c }' d\\;e\n", "linux /k \"a;b\" 'c }' d\\;e\n")]
    [InlineData("submenu 'S' { menuentry 'A' { linux /k; }; }\n", "submenu 'S' {\n menuentry 'A' {\n linux /k\n }\n }\n")]
    public void SplitsCommandsAsGrubsLexerDoes(string text, string expected) =>
        Assert.Equal(expected, Grub2Lexer.Normalize(text));

    [Fact]
    public void OneLineEntriesAndContinuationsParseIntoTheSameMenu()
    {
        var multi = Grub2Parser.Parse("set default=1\nmenuentry 'A' {\n\tlinux /a x\n}\nmenuentry 'B' {\n\tlinux /b y z\n\tinitrd /ib\n}\n", "/boot/grub/grub.cfg");
        var compact = Grub2Parser.Parse("set timeout=0; set default=1\nmenuentry 'A' { linux /a x; }\nmenuentry B {\n\tlinux /b y \\\nz; initrd /ib\n}\n", "/boot/grub/grub.cfg");
        Assert.Equal(multi.DefaultIndex, compact.DefaultIndex);
        Assert.Equal(multi.Entries.Select(e => (e.Title, e.Kernel, e.Args, e.Initrd)), compact.Entries.Select(e => (e.Title, e.Kernel, e.Args, e.Initrd)));
    }

    [Fact]
    public void AnEntryWhoseBraceIsOnTheNextLineDoesNotExistAsInGrub()
    {
        // GRUB 2.06 booted 'C' here ("error: no menuentry definition", "error: syntax error" for B).
        var menu = Grub2Parser.Parse("set default=1\nmenuentry 'A' {\n\tlinux /a\n}\nmenuentry 'B' --id b\n{\n\tlinux /b\n}\n" +
                                     "menuentry 'C' { linux /c; initrd /ic; }\nmenuentry 'D' {\n\tlinux /d\n}\n", "/boot/grub/grub.cfg");
        Assert.Equal(["A", "C", "D"], menu.Entries.Select(e => e.Title));
        Assert.Equal(1, menu.DefaultIndex);
    }

    [Fact]
    public void ABraceOnTheNextLineInsideASubmenuLosesTheWholeSubmenuAsInGrub()
    {
        // GRUB 2.06 (differential seed 8): "default=1" booted the submenu's last entry, which had
        // become top-level item 1; the submenu and its first entry were gone.
        var menu = Grub2Parser.Parse("default=1\nmenuentry 'E0' { linux /e0; }\nsubmenu 'S' {\nmenuentry E1 {\n\tlinux /e1\n}\n" +
                                     "menuentry \"E2\"\n{\n\tlinux /e2\n}\nmenuentry 'E3' {\n\tlinux /e3\n}\n}\nmenuentry 'E4' {\n\tlinux /e4\n}\n",
            "/boot/grub/grub.cfg");
        Assert.Equal(["E0", "E3", "E4"], menu.Entries.Select(e => e.Title));
        Assert.Equal(1, menu.DefaultIndex);
        Assert.All(menu.Entries, e => Assert.Empty(e.SubmenuTitles));
    }

    [Fact]
    public void RandomTextNormalizesOnceAndForAll()
    {
        string[] pieces = ["menuentry ", "'", "\"", "{", "}", " ", "\t", "\n", ";", "\\", "#", "then", "do", "a", "linux /k", "${x}", "\r\n", "if", "fi"];
        int rounds = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 40000 : 4000;
        var rng = new Random(13);
        for (int r = 0; r < rounds; r++)
        {
            var text = string.Concat(Enumerable.Range(0, rng.Next(1, 30)).Select(_ => pieces[rng.Next(pieces.Length)]));
            var once = Grub2Lexer.Normalize(text);
            Assert.True(once == Grub2Lexer.Normalize(once), $"round {r}: normalizing twice changed {Show(text)} -> {Show(once)}");
            // The parser on top either reads it or refuses with a BootException, never anything else.
            try { Grub2Parser.Parse(text, "/boot/grub/grub.cfg"); }
            catch (BootException) { }
        }
    }

    private static string Show(string s) => s.Replace("\n", "\\n").Replace("\t", "\\t").Replace("\r", "\\r");
}
