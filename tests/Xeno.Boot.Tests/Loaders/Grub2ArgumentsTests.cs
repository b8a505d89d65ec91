using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

/// <summary>
/// A grub2 linux line's arguments as GRUB 2.06 hands them to the kernel (seen by the GRUB
/// differential test: the kernel logs "Command line: BOOT_IMAGE=... &lt;these&gt;").
/// </summary>
public class Grub2ArgumentsTests
{
    private static string Grub(string text, Dictionary<string, string>? vars = null) =>
        Grub2Arguments.LoaderCommandLine(Grub2Arguments.Words(text, n => vars is not null && vars.TryGetValue(n, out var v) ? v : null));

    [Theory]
    [InlineData("ro quiet", "ro quiet")]
    [InlineData("ro   \tquiet", "ro quiet")]
    [InlineData("\"x.dq=a b\"", "\"x.dq=a b\"")]
    [InlineData("x.mid=\"a b\"", "\"x.mid=a b\"")]
    [InlineData("'x.sq=c d'", "\"x.sq=c d\"")]
    [InlineData("x.esc=a\\ b", "\"x.esc=a b\"")]
    [InlineData("x.tab=\"t\"'u'", "x.tab=tu")]
    [InlineData("a=b=c 'q'", "a=b=c q")]
    [InlineData("\"say \\\"hi\\\"\"", "\"say \\\"hi\\\"\"")]
    [InlineData("it\\'s", "it\\'s")]
    [InlineData("$kopts x", "k.a=1 k.b=2 x")]
    [InlineData("\"$kopts\"", "\"k.a=1 k.b=2\"")]
    [InlineData("${kopts}=", "k.a=1 k.b=2=")]
    [InlineData("$unset ro", "ro")]
    [InlineData("'$kopts'", "$kopts")]
    [InlineData("a$", "a$")]
    public void RendersWhatTheKernelGets(string text, string expected) =>
        Assert.Equal(expected, Grub(text, new() { ["kopts"] = "k.a=1 k.b=2" }));

    [Fact]
    public void ParsedEntriesUseGrubsReadingWhereTheTextIsNotLiteral()
    {
        var menu = Grub2Parser.Parse(
            "kopts='k.a=1 k.b=2'\nset default=1\nmenuentry A {\n\tlinux /a ro  quiet\n}\n" +
            "menuentry 'B' {\n\tset eopt=\"e.v=1\"\n\tlinux ($root)/b $kopts ${eopt} 'x y'\n}\n", "/boot/grub/grub.cfg");
        // Literal text stays as written, blanks and all (pygrub's output); the rest is GRUB's.
        Assert.Equal(("/a", "ro  quiet"), (menu.Entries[0].Kernel, menu.Entries[0].Args));
        Assert.Equal(("/b", "k.a=1 k.b=2 e.v=1 \"x y\""), (menu.Entries[1].Kernel, menu.Entries[1].Args));
        Assert.Equal(1, menu.DefaultIndex);
        // The bare assignment is still reported the way pygrub reports it.
        Assert.Contains(menu.Diagnostics, d => d.Message == "Unknown directive kopts");
    }

    [Fact]
    public void RandomTextNeverThrows()
    {
        string[] pieces = ["a", " ", "'", "\"", "\\", "$", "{", "}", "x_1", "$x", "${x}", "${", "\t"];
        var rng = new Random(7);
        for (int r = 0; r < 4000; r++)
        {
            var text = string.Concat(Enumerable.Range(0, rng.Next(0, 20)).Select(_ => pieces[rng.Next(pieces.Length)]));
            var words = Grub2Arguments.Words(text, n => n == "x" ? "v w" : null);
            Assert.All(words, w => Assert.NotNull(w));
            _ = Grub2Arguments.LoaderCommandLine(words);
        }
    }
}
