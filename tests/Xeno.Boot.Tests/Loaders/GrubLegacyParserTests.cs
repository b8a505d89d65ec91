using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

public class GrubLegacyParserTests
{
    private const string MenuLst = """
        # comment
        default		1
        fallback	0
        timeout		5
        hiddenmenu
        color cyan/blue white/blue
        frobnicate yes

        title		Debian, kernel 6.1
        root		(hd0,0)
        kernel		/boot/vmlinuz-6.1 root=/dev/xvda1 ro console=hvc0
        initrd		/boot/initrd.img-6.1
        savedefault

        title		Old
        root		(hd0,1)
        kernel		(hd0,1)/vmlinuz-old
        initrd		(hd0,1)/initrd-old
        module /x
        title=Third
        rootnoverify (hd1)
        kernel /k	with-tab
        """;

    [Fact]
    public void ReadsEntriesAsPygrubDoes()
    {
        var menu = GrubLegacyParser.Parse(MenuLst, "/boot/grub/menu.lst");
        Assert.Equal(3, menu.Entries.Count);
        Assert.Equal(new BootEntry("Debian, kernel 6.1", "d0p0", "/boot/vmlinuz-6.1", "root=/dev/xvda1 ro console=hvc0", "/boot/initrd.img-6.1"),
            menu.Entries[0] with { BaseDirectory = "/", SubmenuTitles = [], MenuPosition = [] });
        Assert.Equal(("Old", "d0p1", "/vmlinuz-old", (string?)null, "/initrd-old"),
            (menu.Entries[1].Title, menu.Entries[1].Root, menu.Entries[1].Kernel, menu.Entries[1].Args, menu.Entries[1].Initrd));
        // "title=Third": pygrub takes the text after the 6th character.
        Assert.Equal("Third", menu.Entries[2].Title);
        Assert.Equal("d1", menu.Entries[2].Root);
        // grub legacy reads a tab as a blank (pygrub would keep "/k<TAB>with-tab" as the kernel path).
        Assert.Equal("/k", menu.Entries[2].Kernel);
        Assert.Equal("with-tab", menu.Entries[2].Args);
        Assert.Equal(1, menu.DefaultIndex);
        Assert.Equal(0, menu.FallbackIndex);
        Assert.Equal("5", menu.Timeout);
    }

    [Fact]
    public void WarnsLikePygrub()
    {
        var menu = GrubLegacyParser.Parse(MenuLst, "/boot/grub/menu.lst");
        Assert.Equal(
        [
            "INFO:root:Ignored directive color",
            "WARNING:root:Unknown directive frobnicate",
            "WARNING:root:Unknown image directive savedefault",
            "INFO:root:Ignored image directive module",
        ], menu.Diagnostics.Select(d => d.ToPythonLogLine()));
    }

    [Theory]
    [InlineData("default saved", 0)]
    [InlineData("default=2", 2)]
    [InlineData("default 1_0", 10)]
    [InlineData("default x", 0)]
    [InlineData("default -1", 0)] // pygrub raises and gives up on the disk; we warn and use 0
    public void DefaultValues(string line, long expected)
    {
        var menu = GrubLegacyParser.Parse(line + "\ntitle a\nkernel /k\n", "/boot/grub/menu.lst");
        Assert.Equal(expected, menu.DefaultIndex);
    }

    [Fact]
    public void SavedDefaultReadsGrubsDefaultFile()
    {
        var menu = GrubLegacyParser.Parse("default saved\ntitle a\nkernel /a\ntitle b\nkernel /b\n", "/boot/grub/menu.lst",
            p => p == "/boot/grub/default" ? "1\n#\n# WARNING\n" : null);
        Assert.Equal(1, menu.DefaultIndex);
    }

    [Fact]
    public void LinesAreReadAsGrubLegacyReadsThem()
    {
        // Tabs are blanks, carriage returns vanish, backslash-newline joins lines (also in a comment).
        var menu = GrubLegacyParser.Parse(
            "title a\r\nkernel\t/k\tx=1\t\\\n\ty=2 \\\\\ny=3\r\n# gone \\\ninitrd /not\ninitrd /i\\\n",
            "/boot/grub/menu.lst");
        var e = Assert.Single(menu.Entries);
        Assert.Equal(("a", "/k", "x=1   y=2 \\ y=3", "/i"), (e.Title, e.Kernel, e.Args, e.Initrd));
        Assert.Null(e.GrubFailure);
    }

    [Fact]
    public void AnInitrdBeforeTheKernelFailsTheEntryInGrub()
    {
        var menu = GrubLegacyParser.Parse("title a\ninitrd /i\nkernel /k\ntitle b\nkernel /k\ninitrd /i\n", "/boot/grub/menu.lst");
        Assert.Equal("initrd before any kernel", menu.Entries[0].GrubFailure);
        Assert.Null(menu.Entries[1].GrubFailure);
    }

    [Fact]
    public void TrailingEmptyTitleIsDroppedButMiddleOneKept()
    {
        var menu = GrubLegacyParser.Parse("title a\ntitle b\nkernel /b\ntitle c\n", "/m");
        Assert.Equal(["a", "b"], menu.Entries.Select(e => e.Title));
        Assert.Null(menu.Entries[0].Kernel);
    }
}
