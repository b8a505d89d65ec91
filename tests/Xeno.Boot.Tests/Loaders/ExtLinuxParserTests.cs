using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

public class ExtLinuxParserTests
{
    [Fact]
    public void ReadsLabelsKernelsAndInitrdInAppend()
    {
        var menu = ExtLinuxParser.Parse("""
            # c
            DEFAULT old
            TIMEOUT 50
            PROMPT 0
            UI menu.c32
            LABEL new
                KERNEL /boot/vmlinuz-new
                APPEND initrd=/boot/initrd-new root=/dev/xvda1 ro
            label old
                kernel /boot/vmlinuz-old
                append root=/dev/xvda1 ro initrd=/boot/initrd-old quiet
                menu label Old one
            """, "/boot/extlinux/extlinux.conf");
        Assert.Equal(["new", "old"], menu.Entries.Select(e => e.Title));
        Assert.Equal(("/boot/vmlinuz-new", "root=/dev/xvda1 ro", "/boot/initrd-new", ""),
            (menu.Entries[0].Kernel, menu.Entries[0].Args, menu.Entries[0].Initrd, menu.Entries[0].Root));
        // pygrub removes the initrd= word and leaves its blanks.
        Assert.Equal("root=/dev/xvda1 ro  quiet", menu.Entries[1].Args);
        Assert.Equal(1, menu.DefaultIndex);
        Assert.Equal("50", menu.Timeout);
        Assert.Equal(
        [
            "INFO:root:Ignored directive prompt",
            "WARNING:root:Unknown directive ui",
            "WARNING:root:Unknown image directive menu",
        ], menu.Diagnostics.Select(d => d.ToPythonLogLine()));
        Assert.Equal("/boot/extlinux", menu.Entries[0].BaseDirectory);
    }

    [Fact]
    public void LinuxAndInitrdKeywordsAreUnderstood()
    {
        var menu = ExtLinuxParser.Parse("LABEL a\nLINUX /vmlinuz\nINITRD /initrd\nAPPEND ro\n", "/extlinux.conf");
        Assert.Equal(("/vmlinuz", "ro", "/initrd"), (menu.Entries[0].Kernel, menu.Entries[0].Args, menu.Entries[0].Initrd));
        Assert.Empty(menu.Diagnostics);
    }

    [Fact]
    public void MbootModuleListsGiveKernelAndInitrd()
    {
        var menu = ExtLinuxParser.Parse("label xen\nkernel mboot.c32\nappend xen.gz dom0_mem=1G --- /vmlinuz ro quiet --- /initrd.img\n", "/extlinux.conf");
        Assert.Equal(("/vmlinuz", "ro quiet", "/initrd.img"), (menu.Entries[0].Kernel, menu.Entries[0].Args, menu.Entries[0].Initrd));
    }

    [Fact]
    public void UnknownDefaultLabelMeansFirstEntryAndQuotesAreDropped()
    {
        var menu = ExtLinuxParser.Parse("default nope\nlabel \"a\"\nkernel \"/k\"\n", "/extlinux.conf");
        Assert.Equal(0, menu.DefaultIndex);
        Assert.Equal(("a", "/k"), (menu.Entries[0].Title, menu.Entries[0].Kernel));
    }
}

public class BlsParserTests
{
    [Fact]
    public void SortsNewestFirstAndExpandsGrubenvOptions()
    {
        var entries = BlsParser.Parse(
        [
            new("m-6.1.9.conf", "title Fedora (6.1.9)\nversion 6.1.9\nlinux /vmlinuz-6.1.9\ninitrd /initramfs-6.1.9.img\noptions $kernelopts\n"),
            new("m-6.1.10.conf", "title Fedora (6.1.10)\nversion 6.1.10\nlinux /vmlinuz-6.1.10\ninitrd /a.img\ninitrd /b.img\noptions ro\noptions quiet\n"),
            new("m-efi.conf", "title EFI only\nefi /shell.efi\n"),
            new("readme.txt", "linux /nope\n"),
        ], new Dictionary<string, string> { ["kernelopts"] = "root=/dev/xvda1 ro" });
        Assert.Equal(["Fedora (6.1.10)", "Fedora (6.1.9)"], entries.Select(e => e.Title));
        Assert.Equal("/a.img /b.img", entries[0].Initrd);
        Assert.Equal("ro quiet", entries[0].Args);
        Assert.Equal("root=/dev/xvda1 ro", entries[1].Args);
        Assert.Equal("m-6.1.9", entries[1].Id);
    }

    [Theory]
    [InlineData("6.1.10", "6.1.9", 1)]
    [InlineData("6.1.0-13-amd64", "6.1.0-12-amd64", 1)]
    [InlineData("5.10", "5.10", 0)]
    [InlineData("5.9", "5.10", -1)]
    public void VersionsCompareAsBlsSortsThem(string a, string b, int sign) => Assert.Equal(sign, Math.Sign(VersionOrder.Compare(a, b)));
}
