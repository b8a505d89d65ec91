using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

public class Grub2ParserTests
{
    internal const string Debian = """
        if [ -s $prefix/grubenv ]; then
          set have_grubenv=true
          load_env
        fi
        if [ "${next_entry}" ] ; then
           set default="${next_entry}"
           set next_entry=
           save_env next_entry
           set boot_once=true
        else
           set default="0"
        fi
        function load_video {
          if [ x$feature_all_video_module = xy ]; then
            insmod all_video
          fi
        }
        set timeout=5
        menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-1' {
        	load_video
        	insmod gzio
        	set root='hd0,msdos1'
        	echo	'Loading Linux ...'
        	linux	/boot/vmlinuz-13 root=/dev/xvda1 ro  console=hvc0 quiet
        	initrd	/boot/initrd-13
        }
        submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-1' {
        	menuentry 'Debian GNU/Linux, with Linux 13' $menuentry_id_option 'gnulinux-13-advanced-1' {
        		set root='hd0,gpt2'
        		linux	/boot/vmlinuz-13 root=/dev/xvda1 ro
        		initrd	/boot/initrd-13
        	}
        	menuentry 'Debian GNU/Linux, with Linux 12' $menuentry_id_option 'gnulinux-12-advanced-1' {
        		linux16	/boot/vmlinuz-12 root=/dev/xvda1 ro
        		initrd16	/boot/initrd-12
        	}
        }
        menuentry "UEFI" {
        	linuxefi /efi/vmlinuz
        	initrdefi /efi/initrd
        }
        """;

    private static BootMenu Parse(string text, Dictionary<string, string>? files = null) =>
        Grub2Parser.Parse(text, "/boot/grub/grub.cfg", p => files is not null && files.TryGetValue(p, out var t) ? t : null);

    [Fact]
    public void FlattensSubmenusAndReadsEntries()
    {
        var menu = Parse(Debian);
        Assert.Equal(["Debian GNU/Linux", "Debian GNU/Linux, with Linux 13", "Debian GNU/Linux, with Linux 12", "UEFI"],
            menu.Entries.Select(e => e.Title));
        Assert.Equal(("d0p1", "/boot/vmlinuz-13", "root=/dev/xvda1 ro  console=hvc0 quiet", "/boot/initrd-13"),
            (menu.Entries[0].Root, menu.Entries[0].Kernel, menu.Entries[0].Args, menu.Entries[0].Initrd));
        Assert.Equal("d0p2", menu.Entries[1].Root);
        Assert.Null(menu.Entries[2].Root);
        Assert.Equal("/boot/vmlinuz-12", menu.Entries[2].Kernel);
        Assert.Equal("/boot/initrd-12", menu.Entries[2].Initrd);
        Assert.Equal(("/efi/vmlinuz", "/efi/initrd"), (menu.Entries[3].Kernel, menu.Entries[3].Initrd));
        Assert.Equal(["Advanced options for Debian GNU/Linux"], menu.Entries[1].SubmenuTitles);
        Assert.Equal([1, 1], menu.Entries[2].MenuPosition);
        Assert.Equal([2], menu.Entries[3].MenuPosition);
        Assert.Equal("gnulinux-12-advanced-1", menu.Entries[2].Id);
        Assert.Equal(0, menu.DefaultIndex);
        Assert.Equal("5", menu.Timeout);
    }

    [Fact]
    public void WarnsExactlyAsPygrubOnDebianConfig()
    {
        // Checked against Xen 4.17's pygrub on the same file.
        var warnings = Parse(Debian).Diagnostics.Where(d => d.Level == DiagnosticLevel.Warning).Select(d => d.ToPythonLogLine());
        Assert.Equal(
        [
            "WARNING:root:grub2's saved_entry/next_entry not supported",
            "WARNING:root:Unknown directive else",
            "WARNING:root:Unknown image directive load_video",
        ], warnings);
    }

    [Fact]
    public void NextEntryFromGrubenvWinsWhenSet()
    {
        var env = "# GRUB Environment Block\nnext_entry=Debian GNU/Linux, with Linux 12\n####";
        var menu = Parse(Debian, new() { ["/boot/grub/grubenv"] = env });
        Assert.Equal(2, menu.DefaultIndex);
        Assert.DoesNotContain(menu.Diagnostics, d => d.Message.Contains("saved_entry"));
    }

    [Theory]
    [InlineData("Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 12", 2)]
    [InlineData("gnulinux-advanced-1>gnulinux-12-advanced-1", 2)]
    [InlineData("1>0", 1)]
    [InlineData("1>1", 2)]
    [InlineData("Nope>Debian GNU/Linux, with Linux 13", 1)] // unknown path: pygrub's intent, the last component's title
    [InlineData("UEFI", 3)]
    [InlineData("gnulinux-simple-1", 0)]
    [InlineData("2", 3)] // numbers count the top-level items, as GRUB (the submenu is item 1)
    public void SavedEntryResolvesTitlesIdsAndPaths(string saved, long expected)
    {
        var text = Debian.Replace("   set default=\"0\"", "   set default=\"${saved_entry}\"");
        var menu = Parse(text, new() { ["/boot/grub/grubenv"] = $"# GRUB Environment Block\nsaved_entry={saved}\n" });
        Assert.Equal(expected, menu.DefaultIndex);
    }

    [Fact]
    public void UnresolvableTitleDefaultWarnsLikePygrub()
    {
        var menu = Parse("set default=\"no such\"\nmenuentry 'a' {\nlinux /a\n}\n");
        Assert.Equal(0, menu.DefaultIndex);
        Assert.Contains(menu.Diagnostics, d => d.ToPythonLogLine() == "WARNING:root:Invalid value no such, setting default to 0");
    }

    [Fact]
    public void ResolvableTitleDefaultIsUsedSilently()
    {
        var menu = Parse("set default='b'\nmenuentry 'a' {\nlinux /a\n}\nmenuentry 'b' {\nlinux /b\n}\n");
        Assert.Equal(1, menu.DefaultIndex);
        Assert.DoesNotContain(menu.Diagnostics, d => d.Level == DiagnosticLevel.Warning);
    }

    [Theory]
    [InlineData("menuentry 'a' {\nmenuentry 'b' {\n}\n}\n", "cannot nest menuentry")]
    [InlineData("menuentry 'a' {\nlinux /a\n", "end of file with open menuentry")]
    public void SyntaxErrorsAreTyped(string text, string message)
    {
        var e = Assert.Throws<BootException>(() => Parse(text));
        Assert.Contains(message, e.Message);
        Assert.Contains("/boot/grub/grub.cfg", e.Message);
    }

    [Fact]
    public void SetsPygrubCrashesOnAreHarmless()
    {
        var menu = Parse("set\nset foo\nset a=b=c\nset default=1\nmenuentry 'a' {\nlinux /a\n}\nmenuentry 'b' {\nlinux /b\n}\n");
        Assert.Equal(1, menu.DefaultIndex);
    }

    [Fact]
    public void MenuentryTitleStopsAtFirstQuoteFollowedByBlank()
    {
        Assert.Equal("it's", Grub2Script.MenuEntryTitle("menuentry \"it's\" --class x {"));
        Assert.Equal("a\"b", Grub2Script.MenuEntryTitle("menuentry 'a\"b' {"));
        Assert.Null(Grub2Script.MenuEntryTitle("menuentry 'no brace'"));
        // GRUB takes an unquoted word as the title; pygrub finds no entry there.
        Assert.Equal("noquote", Grub2Script.MenuEntryTitle("menuentry noquote {"));
        Assert.Null(Grub2Script.MenuEntryTitle("menuentry {"));
    }

    [Fact]
    public void NumericDefaultCountsGrubsTopLevelItems()
    {
        // Items: 0 the first entry, 1 the submenu (two entries), 2 "UEFI" (flattened: 3).
        Assert.Equal(3, Parse(Debian.Replace("   set default=\"0\"", "   set default=\"2\"")).DefaultIndex);
        // A number naming the submenu keeps pygrub's flattened count.
        Assert.Equal(1, Parse(Debian.Replace("   set default=\"0\"", "   set default=\"1\"")).DefaultIndex);
    }

    [Fact]
    public void BlscfgPullsInBlsEntries()
    {
        var bls = new List<BootEntry> { new("Fedora (6.1)", null, "/vmlinuz-6.1", "ro", "/initramfs-6.1.img") { Id = "abc-6.1" } };
        var menu = Grub2Parser.Parse("load_env\nset default=\"${saved_entry}\"\nblscfg\n", "/boot/grub2/grub.cfg",
            p => p == "/boot/grub2/grubenv" ? "saved_entry=abc-6.1\n" : null, _ => bls);
        Assert.Single(menu.Entries);
        Assert.Equal(0, menu.DefaultIndex);
    }
}
