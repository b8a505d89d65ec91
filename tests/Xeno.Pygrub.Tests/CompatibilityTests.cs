using System.Text;
using System.Text.RegularExpressions;

namespace Xeno.Pygrub.Tests;

/// <summary>
/// Every corpus image through Xen's pygrub (on the raw image) and ours (on the image itself),
/// with the same options: stdout, stderr, exit status and extracted bytes must match.
/// Cases where Xen's pygrub is wrong are in <see cref="XenDivergenceTests"/>.
/// </summary>
[Collection("corpus")]
public partial class CompatibilityTests(CorpusFixture corpus)
{
    public static readonly string[] SameCases =
    [
        "grub2-ext4-none", "grub2-ext4-mbr", "grub2-ext4-gpt", "grub2-ext3-mbr2", "grub2num-ext4-gpt",
        "legacy-ext2-none", "legacy-ext3-mbr", "legacy-ext4-gpt", "extlinux-ext4-none", "extlinux-ext2-mbr",
        "legacy-fat-mbr", "extlinux-fat-none", "isolinux-iso-none", "grub2-iso-none",
        "grub2-ext4-mbr-qcow2", "extlinux-ext4-none-qcow2c", "legacy-ext3-mbr-overlay",
    ];

    public static readonly string[][] OptionSets =
    [
        ["-q", "--output-format=simple"],
        ["-l", "-q"],
        ["--entry=1", "--args=console=hvc0 earlyprintk=xen"],
        ["-q", "--output-format=simple0", "--kernel=/boot/vmlinuz-6.1.0-12-amd64", "--ramdisk=/boot/initrd.img-6.1.0-12-amd64", "--args=x"],
        ["--entry=Debian GNU/Linux, with Linux 6.1.0-12-amd64", "--output-format=sxp"],
        ["-q", "--args=it's \"quoted\" \\ tab\t é", "--output-format=sxp"],
    ];

    public static TheoryData<string, int> Matrix()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in SameCases)
            for (int i = 0; i < OptionSets.Length; i++) data.Add(name, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void SameAsXenPygrub(string name, int optionSet)
    {
        var c = corpus.Cases[name];
        var (xen, xenFiles) = Run(Tools.RunXen, c.XenImage, OptionSets[optionSet]);
        var (ours, ourFiles) = Run(Tools.RunOurs, c.Image, OptionSets[optionSet]);
        AssertSame(xen, ours);
        Assert.Equal(xenFiles.Count, ourFiles.Count);
        for (int i = 0; i < xenFiles.Count; i++) Assert.Equal(xenFiles[i], ourFiles[i]);
        if (optionSet == 0) Assert.Equal(0, ours.ExitCode);
    }

    [Fact]
    public void OffsetOptionPicksTheFilesystem()
    {
        var c = corpus.Cases["grub2-ext4-mbr"];
        string[] options = ["-q", "--offset=1048576", "--output-format=simple"];
        AssertSame(Run(Tools.RunXen, c.XenImage, options).Result, Run(Tools.RunOurs, c.Image, options).Result);
        options = ["-q", "--offset=0"];
        AssertSame(Run(Tools.RunXen, c.XenImage, options).Result, Run(Tools.RunOurs, c.Image, options).Result);
    }

    /// <summary>Runs one tool in a fresh output directory; returns its result with temp paths normalised, and the extracted files.</summary>
    internal static (RunResult Result, List<byte[]> Files) Run(Func<string[], RunResult> tool, string image, string[] options)
    {
        var dir = Tools.TempDirectory();
        try
        {
            var result = tool([.. options, "--output-directory=" + dir, image]);
            var files = new List<byte[]>();
            var stdout = result.StdoutText;
            foreach (Match m in TempPath().Matches(stdout))
                if (File.Exists(m.Value)) files.Add(File.ReadAllBytes(m.Value));
            stdout = TempPath().Replace(stdout, m => m.Groups[1].Value == "kernel" ? "<KERNEL>" : "<RAMDISK>").Replace(dir, "<DIR>");
            return (result with { Stdout = Encoding.UTF8.GetBytes(stdout) }, files);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Same exit status and stdout; the same stderr, or for failures the same last line (we print no Python traceback).</summary>
    internal static void AssertSame(RunResult xen, RunResult ours)
    {
        Assert.Equal(xen.StdoutText, ours.StdoutText);
        Assert.Equal(xen.ExitCode, ours.ExitCode);
        if (xen.ExitCode == 0) Assert.Equal(xen.Stderr, ours.Stderr);
        else Assert.Equal(LastLine(xen.Stderr), LastLine(ours.Stderr));
    }

    internal static string LastLine(string s) => s.TrimEnd('\n').Split('\n')[^1];

    [GeneratedRegex(@"/[^\s'\x00]*?boot_(kernel|ramdisk)\.[a-z0-9_]{8}")]
    private static partial Regex TempPath();
}
