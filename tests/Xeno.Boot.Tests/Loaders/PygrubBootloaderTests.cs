using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

public class PygrubBootloaderTests
{
    private static readonly Stream NoTable = new MemoryStream(new byte[1024]);

    private static MemoryFileSystem Legacy() => new MemoryFileSystem()
        .Add("/boot/grub/menu.lst", "default 0\nfallback 1\ntitle a\nkernel /vmlinuz-a ro\ninitrd /initrd-a\ntitle b\nkernel /vmlinuz-b\n")
        .Add("/vmlinuz-a", "A").Add("/initrd-a", "IA").Add("/vmlinuz-b", "B");

    [Fact]
    public void ChoosesTheDefaultEntryAndSaysWhichParser()
    {
        var choice = PygrubBootloader.Choose(NoTable, _ => Legacy(), new BootRequest());
        Assert.Equal(("/vmlinuz-a", "/initrd-a", "ro", 0), (choice.Kernel, choice.Ramdisk, choice.Args, choice.EntryIndex));
        Assert.Equal("Using <class 'grub.GrubConf.GrubConfigFile'> to parse /boot/grub/menu.lst",
            choice.Attempts.Single().Diagnostics[0].ToPythonLogLine());
    }

    [Fact]
    public void ArgsAreAppendedAfterABlankEvenToEmptyEntryArgs()
    {
        var choice = PygrubBootloader.Choose(NoTable, _ => Legacy(), new BootRequest { Entry = "b", Args = "console=hvc0" });
        Assert.Equal((" console=hvc0", (string?)null), (choice.Args, choice.Ramdisk));
    }

    [Fact]
    public void DefaultAndExtraArgs()
    {
        var choice = PygrubBootloader.Choose(NoTable, _ => Legacy(), new BootRequest { Entry = "1", DefaultArgs = "root=/dev/xvda1", ExtraArgs = "quiet" });
        Assert.Equal("root=/dev/xvda1 quiet", choice.Args);
        choice = PygrubBootloader.Choose(NoTable, _ => Legacy(), new BootRequest { DefaultArgs = "unused", ExtraArgs = "quiet" });
        Assert.Equal("ro quiet", choice.Args);
    }

    [Fact]
    public void KernelOptionSkipsTheMenu()
    {
        var choice = PygrubBootloader.Choose(NoTable, _ => Legacy(), new BootRequest { Kernel = "/vmlinuz-b", Ramdisk = "/initrd-a", Args = "x" });
        Assert.Equal(("/vmlinuz-b", "/initrd-a", "x"), (choice.Kernel, choice.Ramdisk, choice.Args));
        Assert.Null(choice.Menu);
    }

    [Fact]
    public void FallbackIsUsedWhenTheDefaultKernelIsMissing()
    {
        var fs = new MemoryFileSystem()
            .Add("/boot/grub/menu.lst", "default 0\nfallback 1\ntitle a\nkernel /gone\ntitle b\nkernel /vmlinuz-b\n")
            .Add("/vmlinuz-b", "B");
        var choice = PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest());
        Assert.Equal("/vmlinuz-b", choice.Kernel);
    }

    [Theory]
    // As grub legacy: a missing initrd, or an initrd line before the kernel ("Error 19: Linux kernel must be loaded before initrd"), fails the default too.
    [InlineData("title a\nkernel /vmlinuz-a\ninitrd /gone\n")]
    [InlineData("title a\ninitrd /initrd-a\nkernel /vmlinuz-a\n")]
    [InlineData("title a\nroot (hd0,0)\n")]
    public void FallbackIsUsedWhereGrubLegacyFailsTheDefault(string entryA)
    {
        var fs = new MemoryFileSystem()
            .Add("/boot/grub/menu.lst", "default 0\nfallback 1\n" + entryA + "title b\nkernel /vmlinuz-b\n")
            .Add("/vmlinuz-a", "A").Add("/initrd-a", "IA").Add("/vmlinuz-b", "B");
        var choice = PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest());
        Assert.Equal(("/vmlinuz-b", 1), (choice.Kernel, choice.EntryIndex));
    }

    [Fact]
    public void AnEntryGrubRefusesIsStillBootedWithoutAFallback()
    {
        // pygrub's choice stands where grub itself would boot nothing.
        var fs = new MemoryFileSystem()
            .Add("/boot/grub/menu.lst", "title a\ninitrd /initrd-a\nkernel /vmlinuz-a\n")
            .Add("/vmlinuz-a", "A").Add("/initrd-a", "IA");
        var choice = PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest());
        Assert.Equal(("/vmlinuz-a", "/initrd-a"), (choice.Kernel, choice.Ramdisk));
    }

    [Fact]
    public void NetwareLoaderWinsWithoutAConfig()
    {
        var fs = new MemoryFileSystem().Add("/nwserver/xnloader.sys", "NW");
        Assert.Equal("/nwserver/xnloader.sys", PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest()).Kernel);
    }

    [Fact]
    public void SearchOrderPrefersGrub2ThenExtlinuxThenLegacy()
    {
        var fs = Legacy().Add("/extlinux.conf", "label x\nkernel /vmlinuz-b\n");
        Assert.Equal(ConfigKind.ExtLinux, PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest()).Menu!.Kind);
        fs.Add("/grub2/grub.cfg", "menuentry 'g' {\nlinux /vmlinuz-a\n}\n");
        Assert.Equal(ConfigKind.Grub2, PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest()).Menu!.Kind);
    }

    [Fact]
    public void RelativeExtlinuxPathsResolveAgainstTheConfigFolder()
    {
        var fs = new MemoryFileSystem().Add("/boot/extlinux/extlinux.conf", "label x\nkernel vmlinuz\nappend initrd=initrd.img ro\n");
        var choice = PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest());
        Assert.Equal(("/boot/extlinux/vmlinuz", "/boot/extlinux/initrd.img"), (choice.Kernel, choice.Ramdisk));
    }

    [Fact]
    public void BlsEntriesAloneAreAConfig()
    {
        var fs = new MemoryFileSystem()
            .Add("/loader/entries/a-6.1.conf", "title A\nversion 6.1\nlinux /vmlinuz-6.1\noptions ro\n")
            .Add("/loader/entries/a-6.2.conf", "title B\nversion 6.2\nlinux /vmlinuz-6.2\noptions ro\n");
        var choice = PygrubBootloader.Choose(NoTable, _ => fs, new BootRequest());
        Assert.Equal(("/vmlinuz-6.2", ConfigKind.Bls), (choice.Kernel, choice.Menu!.Kind));
    }

    [Fact]
    public void NoConfigAnywhereIsPygrubsErrorWithEveryAttempt()
    {
        var e = Assert.Throws<BootSearchException>(() => PygrubBootloader.Choose(NoTable, _ => new MemoryFileSystem(), new BootRequest()));
        Assert.Equal("Unable to find partition containing kernel", e.Message);
        Assert.Equal(BootConfigReader.NotFoundMessage, e.Attempts.Single().Error!.Message);
    }

    [Fact]
    public void MultiFileRamdiskIsConcatenatedAndLimitsHold()
    {
        var fs = new MemoryFileSystem().Add("/a", "12").Add("/b", "345");
        var output = new MemoryStream();
        Assert.Equal(5, BootFiles.Copy(fs, "/a /b", output));
        Assert.Equal("12345"u8.ToArray(), output.ToArray());
        Assert.Throws<BootException>(() => BootFiles.Copy(fs, "/a /b", new MemoryStream(), maxBytes: 4));
        Assert.Throws<BootException>(() => BootFiles.Copy(fs, "/nope", new MemoryStream()));
    }
}
