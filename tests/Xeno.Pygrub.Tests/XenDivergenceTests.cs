namespace Xeno.Pygrub.Tests;

/// <summary>
/// Corpus cases where Xen 4.17's pygrub is wrong or crashes. Each test shows what Xen's pygrub
/// does (so we notice if a fixed pygrub appears) and that ours does the right thing.
/// </summary>
[Collection("corpus")]
public class XenDivergenceTests(CorpusFixture corpus)
{
    private static readonly string[] Simple = ["-q", "--output-format=simple"];

    private (RunResult Xen, List<byte[]> XenFiles, RunResult Ours, List<byte[]> OurFiles) Both(string name, string[] options)
    {
        var c = corpus.Cases[name];
        var (xen, xenFiles) = CompatibilityTests.Run(Tools.RunXen, c.XenImage, options);
        var (ours, ourFiles) = CompatibilityTests.Run(Tools.RunOurs, c.Image, options);
        return (xen, xenFiles, ours, ourFiles);
    }

    [Fact]
    public void Grub2SavedEntryXenBootsEntry0WeBootTheSavedOne()
    {
        var r = Both("grub2saved-ext4-mbr", Simple);
        Assert.Contains("WARNING:root:grub2's saved_entry/next_entry not supported", r.Xen.Stderr);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-13-amd64"), r.XenFiles[0]);
        Assert.Equal(0, r.Ours.ExitCode);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-12-amd64"), r.OurFiles[0]);
        Assert.Equal(corpus.Blob("initrd.img-6.1.0-12-amd64"), r.OurFiles[1]);
    }

    [Fact]
    public void Grub2TitlePathDefaultXenSaysInvalidWeFollowThePath()
    {
        var r = Both("grub2title-ext4-none", Simple);
        Assert.Contains("setting default to 0", r.Xen.Stderr);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-13-amd64"), r.XenFiles[0]);
        Assert.DoesNotContain("setting default to 0", r.Ours.Stderr);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-12-amd64"), r.OurFiles[0]);
    }

    [Fact]
    public void ListingAnEntryWithoutInitrdXenStopsWeListAll()
    {
        var r = Both("legacynoinitrd-ext4-none", ["-l", "-q"]);
        // Xen's pygrub crashes on the first entry's missing initrd and prints no more.
        Assert.EndsWith("  args: root=/dev/xvda1 ro console=hvc0\n", r.Xen.StdoutText);
        Assert.Equal(3, r.Ours.StdoutText.Split("title: ").Length - 1);
        Assert.StartsWith(r.Xen.StdoutText + "  initrd: None\ntitle: ", r.Ours.StdoutText);
        // Booting it works in both.
        CompatibilityTests.AssertSame(Both("legacynoinitrd-ext4-none", Simple).Xen, Both("legacynoinitrd-ext4-none", Simple).Ours);
    }

    [Fact]
    public void ExtlinuxLinuxAndInitrdKeywordsXenFailsWeBoot()
    {
        var r = Both("extlinuxlinux-ext4-gpt", Simple);
        Assert.Equal(1, r.Xen.ExitCode);
        Assert.Equal("RuntimeError: Unable to find partition containing kernel", CompatibilityTests.LastLine(r.Xen.Stderr));
        Assert.Equal(0, r.Ours.ExitCode);
        Assert.Contains("args root=/dev/xvda1 ro\n", r.Ours.StdoutText);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-13-amd64"), r.OurFiles[0]);
        Assert.Equal(corpus.Blob("initrd.img-6.1.0-13-amd64"), r.OurFiles[1]);
    }

    [Fact]
    public void BlsEntriesXenFailsWeBootTheSavedEntryWithGrubenvOptions()
    {
        var r = Both("bls-ext4-gpt", Simple);
        Assert.Equal(1, r.Xen.ExitCode);
        Assert.Contains("WARNING:root:Unknown directive blscfg", r.Xen.Stderr);
        Assert.Equal(0, r.Ours.ExitCode);
        Assert.Equal("kernel <KERNEL>\nramdisk <RAMDISK>\nargs root=/dev/xvda1 ro console=hvc0 quiet\n\n", r.Ours.StdoutText);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-12-amd64"), r.OurFiles[0]);
    }

    [Fact]
    public void NotReallyXenPrintsKernelNoneWePrintWhatWouldBeExtracted()
    {
        var r = Both("grub2-ext4-none", ["-q", "-n", "--output-format=simple"]);
        Assert.Equal("kernel None\nargs root=/dev/xvda1 ro  console=hvc0 quiet\n\n", r.Xen.StdoutText);
        Assert.Equal("kernel <kernel:/boot/vmlinuz-6.1.0-13-amd64>\nramdisk <ramdisk:/boot/initrd.img-6.1.0-13-amd64>\nargs root=/dev/xvda1 ro  console=hvc0 quiet\n\n", r.Ours.StdoutText);
        Assert.Empty(r.OurFiles);
    }

    [Fact]
    public void WithoutATerminalXenFailsOnItsMenuWeBootTheDefault()
    {
        var r = Both("grub2-ext4-none", ["--output-format=simple"]);
        Assert.Equal(1, r.Xen.ExitCode);
        Assert.Equal(0, r.Ours.ExitCode);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-13-amd64"), r.OurFiles[0]);
    }

    [Fact]
    public void GrubLegacyDefaultSavedXenBootsEntry0WeReadTheDefaultFile()
    {
        var r = Both("legacysaved-ext3-none", Simple);
        Assert.Contains("args root=/dev/xvda1 ro console=hvc0\n", r.Xen.StdoutText);
        Assert.Contains("args root=/dev/xvda1 ro single\n", r.Ours.StdoutText);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-12-amd64"), r.OurFiles[0]);
    }

    [Fact]
    public void Grub2NextEntryXenIgnoresItWeBootItOnce()
    {
        var r = Both("grub2next-ext4-gpt", Simple);
        Assert.Contains("WARNING:root:grub2's saved_entry/next_entry not supported", r.Xen.Stderr);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-13-amd64"), r.XenFiles[0]);
        Assert.DoesNotContain("saved_entry", r.Ours.Stderr);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-12-amd64"), r.OurFiles[0]);
    }

    [Fact]
    public void LogicalPartitionXenNeverLooksWeBootIt()
    {
        var r = Both("legacy-ext4-logical", Simple);
        Assert.Equal(1, r.Xen.ExitCode);
        Assert.Equal(0, r.Ours.ExitCode);
        Assert.Equal(corpus.Blob("vmlinuz-6.1.0-12-amd64"), r.OurFiles[0]);
    }

    [Fact]
    public void ActivePartitionXenIgnoresTheFlagWeTryItFirst()
    {
        var r = Both("twoparts-active2", Simple);
        Assert.Contains("args root=/dev/xvda1 ro console=hvc0 quiet\n", r.Xen.StdoutText);
        Assert.Equal("kernel <KERNEL>\nramdisk <RAMDISK>\n\n", r.Ours.StdoutText);
        Assert.Equal("Using <class 'grub.GrubConf.GrubConfigFile'> to parse /boot/grub/menu.lst\n", r.Ours.Stderr);
    }
}
